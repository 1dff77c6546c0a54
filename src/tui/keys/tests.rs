//! The decoder against the bytes terminals send: keys, reads cut anywhere, pastes.

use super::*;

const NONE: KeyModifiers = KeyModifiers::NONE;

fn decode(chunks: &[&[u8]]) -> Vec<Input> {
    let mut d = Decoder::default();
    let mut out = Vec::new();
    let now = Instant::now();
    for c in chunks {
        d.feed(c, now, &mut out);
    }
    d.settled(&mut out);
    out
}

fn keys(code: KeyCode, mods: KeyModifiers) -> Input {
    Input::Key(key(code, mods))
}

fn ch(c: char) -> Input {
    keys(KeyCode::Char(c), NONE)
}

#[test]
fn keys_decode_as_crossterm_reports_them() {
    let cases: &[(&[u8], Vec<Input>)] = &[
        (b"q", vec![ch('q')]),
        (b"G", vec![keys(KeyCode::Char('G'), KeyModifiers::SHIFT)]),
        ("中文".as_bytes(), vec![ch('中'), ch('文')]),
        (b"\r", vec![keys(KeyCode::Enter, NONE)]),
        (b"\t", vec![keys(KeyCode::Tab, NONE)]),
        (b"\x1b[Z", vec![keys(KeyCode::BackTab, KeyModifiers::SHIFT)]),
        (b"\x7f", vec![keys(KeyCode::Backspace, NONE)]),
        (b"\x13", vec![Input::Key(ctrl('s'))]),
        (b"\x0f", vec![Input::Key(ctrl('o'))]),
        (b"\x1b", vec![keys(KeyCode::Esc, NONE)]),
        (
            b"\x1b\x1b",
            vec![keys(KeyCode::Esc, NONE), keys(KeyCode::Esc, NONE)],
        ),
        (b"\x1bb", vec![keys(KeyCode::Char('b'), KeyModifiers::ALT)]),
        (b"\x1b[A", vec![keys(KeyCode::Up, NONE)]),
        (b"\x1bOB", vec![keys(KeyCode::Down, NONE)]),
        (
            b"\x1b[1;5C",
            vec![keys(KeyCode::Right, KeyModifiers::CONTROL)],
        ),
        (
            b"\x1b[5~\x1b[6~",
            vec![keys(KeyCode::PageUp, NONE), keys(KeyCode::PageDown, NONE)],
        ),
        (
            b"\x1b[3;2~",
            vec![keys(KeyCode::Delete, KeyModifiers::SHIFT)],
        ),
        (
            b"\x1b[H\x1b[4~",
            vec![keys(KeyCode::Home, NONE), keys(KeyCode::End, NONE)],
        ),
        (
            b"\x1bOP\x1b[24~",
            vec![keys(KeyCode::F(1), NONE), keys(KeyCode::F(12), NONE)],
        ),
        // Mouse, focus and replies are dropped whole.
        (b"\x1b[<0;3;4Mx\x1b[I", vec![ch('x')]),
    ];
    for (bytes, want) in cases {
        assert_eq!(&decode(&[bytes]), want, "{bytes:?}");
    }
}

#[test]
fn a_burst_longer_than_any_buffer_arrives_whole() {
    let text = "维生素".repeat(10_000);
    let got = decode(&[text.as_bytes()]);
    assert_eq!(got.len(), 30_000);
    assert!(got.iter().all(|i| matches!(i, Input::Key(_))));
}

#[test]
fn sequences_and_characters_split_between_reads_are_finished() {
    let bytes = "a中\x1b[1;5Db".as_bytes();
    for cut in 0..bytes.len() {
        let got = decode(&[&bytes[..cut], &bytes[cut..]]);
        assert_eq!(
            got,
            vec![
                ch('a'),
                ch('中'),
                keys(KeyCode::Left, KeyModifiers::CONTROL),
                ch('b')
            ],
            "cut at {cut}"
        );
    }
}

#[test]
fn a_paste_is_one_input_whatever_the_reads() {
    let body = "急性感染性喉炎\r\n胸闷气促 ]~ \x1b[A\rend";
    let bytes = format!("x\x1b[200~{body}\x1b[201~y");
    let bytes = bytes.as_bytes();
    let want = vec![
        ch('x'),
        Input::Paste("急性感染性喉炎\n胸闷气促 ]~ [A\nend".into()),
        ch('y'),
    ];
    for cut in 0..bytes.len() {
        assert_eq!(
            decode(&[&bytes[..cut], &bytes[cut..]]),
            want,
            "cut at {cut}"
        );
    }
    // A byte at a time.
    let one: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(decode(&one), want);
}

#[test]
fn a_paste_over_the_limit_is_refused_whole_and_keys_go_on() {
    let big = "中".repeat(MAX_PASTE_BYTES / 3 + 1);
    let bytes = format!("\x1b[200~{big}\x1b[201~q");
    let chunks: Vec<&[u8]> = bytes.as_bytes().chunks(4096).collect();
    let got = decode(&chunks);
    assert_eq!(
        got,
        vec![
            Input::Refused(Refused::TooLong { bytes: big.len() }),
            ch('q')
        ]
    );
    // Exactly the limit is taken.
    let most = "a".repeat(MAX_PASTE_BYTES);
    let bytes = format!("\x1b[200~{most}\x1b[201~");
    assert_eq!(decode(&[bytes.as_bytes()]), vec![Input::Paste(most)]);
}

#[test]
fn a_paste_that_never_ends_is_refused_and_keys_work_again() {
    let mut d = Decoder::default();
    let mut out = Vec::new();
    let t0 = Instant::now();
    d.feed(b"\x1b[200~half a paste", t0, &mut out);
    d.quiet(t0 + Duration::from_millis(500), &mut out);
    assert!(out.is_empty() && d.in_paste());
    d.quiet(t0 + PASTE_STALL, &mut out);
    assert_eq!(out, vec![Input::Refused(Refused::Unended { bytes: 12 })]);
    out.clear();
    d.feed(b"q", t0 + PASTE_STALL, &mut out);
    assert_eq!(out, vec![ch('q')]);
    assert!(
        Refused::Unended { bytes: 12 }
            .message()
            .contains("nothing was inserted")
    );
}

#[test]
fn an_unfinished_sequence_is_dropped_after_a_quiet_moment() {
    let mut d = Decoder::default();
    let mut out = Vec::new();
    let t0 = Instant::now();
    d.feed(b"\x1b[1;", t0, &mut out);
    d.settled(&mut out);
    d.quiet(t0, &mut out);
    assert!(out.is_empty());
    d.quiet(t0, &mut out);
    d.feed(b"q", t0, &mut out);
    assert_eq!(out, vec![ch('q')]);
}
