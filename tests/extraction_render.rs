//! Extraction items as the item view draws them, rendered into ratatui's `TestBackend` and
//! read back cell by cell: every entity boundary shows, invisible code points are marks that
//! each stand for one code point, and entity types carry their names.

use medcurate::domain::item::Item;
use medcurate::tui::widgets::extraction_view::{type_color, type_color_alt};
use medcurate::tui::widgets::item_view::item_lines;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::widgets::Paragraph;

/// A native extraction item, checked as an import checks it (spans against the text).
fn item(json: &str) -> Item {
    let raw = medcurate::import::native::parse(json).unwrap();
    medcurate::domain::validate::build_item(raw, "CMeEE").unwrap()
}

/// The item view of `item` drawn `width` columns wide.
fn render(item: &Item, width: u16) -> Buffer {
    let lines = item_lines(item, width as usize);
    let height = lines.len() as u16;
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| f.render_widget(Paragraph::new(lines), f.area()))
        .unwrap();
    t.backend().buffer().clone()
}

/// One drawn character: its symbol, background and modifiers.
#[derive(Debug, Clone, PartialEq)]
struct Cell {
    symbol: String,
    bg: Color,
    mods: Modifier,
}

/// The cells of row `y`, without the cell a wide character covers after its own.
fn row_cells(buf: &Buffer, y: u16) -> Vec<Cell> {
    let mut out = Vec::new();
    let mut x = 0;
    while x < buf.area.width {
        let c = &buf[(x, y)];
        out.push(Cell {
            symbol: c.symbol().to_string(),
            bg: c.bg,
            mods: c.modifier,
        });
        x += unicode_width::UnicodeWidthStr::width(c.symbol()).max(1) as u16;
    }
    out
}

/// The cells of rows `rows`, in reading order, without the blanks at the ends of rows.
fn cells(buf: &Buffer, rows: std::ops::Range<u16>) -> Vec<Cell> {
    let mut out = Vec::new();
    for y in rows {
        let mut row = row_cells(buf, y);
        while row
            .last()
            .is_some_and(|c| c.symbol == " " && c.bg == Color::Reset)
        {
            row.pop();
        }
        out.extend(row);
    }
    out
}

/// The rows of the buffer as text.
fn rows(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            row_cells(buf, y)
                .iter()
                .map(|c| c.symbol.as_str())
                .collect()
        })
        .collect()
}

/// The rows the text takes: after the "Text 原文" heading (bold, maybe on two rows), up to
/// the next blank row, the note on marks or the legend.
fn text_rows(buf: &Buffer) -> std::ops::Range<u16> {
    let r = rows(buf);
    let heading = r.iter().position(|l| l.starts_with("Text 原文")).unwrap();
    let start = (heading..r.len())
        .find(|&y| !buf[(0, y as u16)].modifier.contains(Modifier::BOLD))
        .unwrap();
    let end = (start..r.len())
        .find(|&i| {
            r[i].trim().is_empty() || r[i].starts_with("Types:") || r[i].starts_with("⟨FEFF⟩ and")
        })
        .unwrap();
    start as u16..end as u16
}

/// The text's drawn cells, one per code point of `text` (a mark counted as one), with the
/// background of each.
fn per_code_point(buf: &Buffer) -> Vec<(String, Color, Modifier)> {
    let cells = cells(buf, text_rows(buf));
    let mut out = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        if cells[i].symbol == "⟨" {
            let end = (i..cells.len()).find(|&k| cells[k].symbol == "⟩").unwrap();
            let mark: String = cells[i..=end].iter().map(|c| c.symbol.as_str()).collect();
            out.push((mark, cells[i].bg, cells[i].mods));
            i = end + 1;
        } else {
            out.push((cells[i].symbol.clone(), cells[i].bg, cells[i].mods));
            i += 1;
        }
    }
    out
}

/// Two diseases side by side, then two symptoms: `急性感染性喉炎` [4, 11) and `喉气管支气管炎`
/// [11, 18); `胸闷` [19, 21) and `气促` [21, 23).
const NEIGHBOURS: &str = r#"{"id":"v2-1","kind":"extraction","task":"ner","text":"患儿确诊急性感染性喉炎喉气管支气管炎，胸闷气促。","entities":[{"start":4,"end":11,"type":"dis","text":"急性感染性喉炎"},{"start":11,"end":18,"type":"dis","text":"喉气管支气管炎"},{"start":19,"end":21,"type":"sym","text":"胸闷"},{"start":21,"end":23,"type":"sym","text":"气促"}]}"#;

#[test]
fn neighbouring_entities_of_one_type_show_their_boundary() {
    let it = item(NEIGHBOURS);
    for width in [80, 30, 12] {
        let buf = render(&it, width);
        let drawn = per_code_point(&buf);
        let text: Vec<char> = "患儿确诊急性感染性喉炎喉气管支气管炎，胸闷气促。"
            .chars()
            .collect();
        assert_eq!(drawn.len(), text.len(), "width {width}: {drawn:?}");
        for (k, (sym, _, _)) in drawn.iter().enumerate() {
            assert_eq!(sym, &text[k].to_string(), "width {width}, char {k}");
        }
        let bg = |k: usize| drawn[k].1;
        let (dis, dis2) = (type_color("dis"), type_color_alt("dis"));
        let (sym, sym2) = (type_color("sym"), type_color_alt("sym"));
        assert_ne!(dis, dis2);
        assert_ne!(sym, sym2);
        assert_eq!(bg(3), Color::Reset);
        assert!(
            (4..11).all(|k| bg(k) == dis),
            "width {width}: the first disease"
        );
        assert!(
            (11..18).all(|k| bg(k) == dis2),
            "width {width}: the second, other shade"
        );
        assert_eq!(bg(18), Color::Reset);
        assert!((19..21).all(|k| bg(k) == sym), "width {width}: 胸闷");
        assert!(
            (21..23).all(|k| bg(k) == sym2),
            "width {width}: 气促, other shade"
        );
    }
}

#[test]
fn a_third_neighbour_goes_back_to_the_first_shade_and_other_types_keep_theirs() {
    // 发热 咳嗽 咳痰: three symptoms in a row, then a disease.
    let it = item(
        r#"{"id":"v2-2","kind":"extraction","task":"ner","text":"发热咳嗽咳痰肺炎","entities":[{"start":0,"end":2,"type":"sym","text":"发热"},{"start":2,"end":4,"type":"sym","text":"咳嗽"},{"start":4,"end":6,"type":"sym","text":"咳痰"},{"start":6,"end":8,"type":"dis","text":"肺炎"}]}"#,
    );
    let drawn = per_code_point(&render(&it, 80));
    let bgs: Vec<Color> = drawn.iter().map(|d| d.1).collect();
    let (s1, s2, d1) = (type_color("sym"), type_color_alt("sym"), type_color("dis"));
    assert_eq!(bgs, vec![s1, s1, s2, s2, s1, s1, d1, d1]);
}

#[test]
fn invisible_code_points_are_one_mark_each_and_offsets_still_count() {
    // U+FEFF at the start, a zero-width space and a private-use character inside: 发热 is at
    // [3, 5) counting all three.
    let it = item(
        r#"{"id":"v2-3","kind":"extraction","task":"ner","text":"\ufeff患者发热\u200b3天\ue000","entities":[{"start":3,"end":5,"type":"sym","text":"发热"}]}"#,
    );
    for width in [80, 20, 10] {
        let buf = render(&it, width);
        let drawn = per_code_point(&buf);
        let shown: Vec<&str> = drawn.iter().map(|d| d.0.as_str()).collect();
        assert_eq!(
            shown,
            [
                "⟨FEFF⟩",
                "患",
                "者",
                "发",
                "热",
                "⟨200B⟩",
                "3",
                "天",
                "⟨E000⟩"
            ],
            "width {width}: one drawn unit per code point"
        );
        // The span's cells are at code points 3 and 4.
        assert_eq!(drawn[3].1, type_color("sym"));
        assert_eq!(drawn[4].1, type_color("sym"));
        assert_eq!(drawn[2].1, Color::Reset);
        // A mark is never cut by the wrapping.
        let all = rows(&buf).join("\n");
        for m in ["⟨FEFF⟩", "⟨200B⟩", "⟨E000⟩"] {
            assert!(
                all.contains(m),
                "width {width}: {m} whole on one row\n{all}"
            );
        }
        let words = all.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains("one character that does not show"),
            "the marks are explained\n{all}"
        );
        assert!(words.contains("[3, 5)"), "{all}");
    }
}

#[test]
fn a_mark_inside_an_entity_keeps_its_colour() {
    let it = item(
        r#"{"id":"v2-4","kind":"extraction","task":"ner","text":"服用阿司\u00ad匹林","entities":[{"start":2,"end":7,"type":"dru","text":"阿司\u00ad匹林"}]}"#,
    );
    let drawn = per_code_point(&render(&it, 80));
    let shown: Vec<&str> = drawn.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(shown, ["服", "用", "阿", "司", "⟨00AD⟩", "匹", "林"]);
    assert_eq!(drawn[4].1, type_color("dru"));
    assert!(drawn[4].2.contains(Modifier::DIM));
    // The entity's own text in the list shows the mark too.
    let all = rows(&render(&it, 80)).join("\n");
    assert!(all.contains("阿司⟨00AD⟩匹林  [2, 7)"), "{all}");
}

#[test]
fn entity_types_are_named_and_unknown_codes_show_as_they_are() {
    let it = item(
        r#"{"id":"v2-5","kind":"extraction","task":"ner","text":"血常规示白细胞升高，予头孢曲松。","entities":[{"start":0,"end":3,"type":"ite","text":"血常规"},{"start":4,"end":7,"type":"ite","text":"白细胞"},{"start":11,"end":15,"type":"dru","text":"头孢曲松"},{"start":7,"end":9,"type":"xyz","text":"升高"}]}"#,
    );
    let all = rows(&render(&it, 80)).join("\n");
    assert!(all.contains("Types:  ite 医学检验项目 test item"), "{all}");
    assert!(all.contains(" dru 药物 drug "), "{all}");
    assert!(all.contains(" xyz "), "{all}");
    assert!(
        all.contains(" ite 医学检验项目 test item  血常规  [0, 3)"),
        "{all}"
    );
    assert!(all.contains(" xyz  升高  [7, 9)"), "{all}");
}

#[test]
fn one_rubric_point_is_singular() {
    let it: Item = serde_json::from_str(
        r#"{"id":"o1","dataset":"X","kind":"open_ended","prompt":"头晕怎么办？","rubric":[{"text":"建议就医","points":1}]}"#,
    )
    .unwrap();
    let all = rows(&render(&it, 80)).join("\n");
    assert!(all.contains("Rubric 评分标准 (1 point)"), "{all}");
    assert!(!all.contains("(1 points)"), "{all}");
}
