//! Bars drawn with block characters, as text that sits inside a line. ratatui's `BarChart`
//! takes only unsigned values and draws in a fixed area, but kappa runs from -1 to 1 and the
//! stats screen scrolls as one block of lines, so its bars are plain strings.

/// Partial cells for a bar growing rightwards, in eighths.
const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/// The axis in the middle of a signed bar.
pub const AXIS: &str = "│";

/// A bar for `value` in -1..=1 around a central axis, as (left, right) halves of `width`
/// columns in all with the axis between them: negative values grow leftwards from the axis,
/// positive ones rightwards, in half cells (no eighth-block glyph grows leftwards, so both
/// sides use halves and look alike). Which side of the axis a bar is on tells the sign
/// without colour. Out-of-range and non-finite values are clamped or drawn as zero.
pub fn signed(value: f64, width: usize) -> (String, String) {
    let half = width.saturating_sub(1) / 2;
    let v = if value.is_finite() {
        value.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let units = (v.abs() * (half * 2) as f64).round() as usize;
    let (full, part) = (units / 2, units % 2 == 1);
    let blank = " ".repeat(half - full - part as usize);
    let body = "█".repeat(full);
    if v < 0.0 {
        let tip = if part { "▐" } else { "" };
        (format!("{blank}{tip}{body}"), " ".repeat(half))
    } else {
        let tip = if part { "▌" } else { "" };
        (" ".repeat(half), format!("{body}{tip}{blank}"))
    }
}

/// A bar of `value` out of `max` in exactly `width` columns, in eighths of a cell.
pub fn unsigned(value: f64, max: f64, width: usize) -> String {
    let share = if max > 0.0 && value.is_finite() {
        (value / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let units = (share * (width * 8) as f64).round() as usize;
    let (full, part) = (units / 8, units % 8);
    let mut out = "█".repeat(full);
    out.push_str(EIGHTHS[part]);
    let used = full + (part > 0) as usize;
    out.push_str(&" ".repeat(width - used));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::text::width;

    #[test]
    fn signed_bars_grow_away_from_the_axis() {
        // 11 columns: 5 on each side, 10 half cells per side.
        assert_eq!(signed(1.0, 11), ("     ".into(), "█████".into()));
        assert_eq!(signed(-1.0, 11), ("█████".into(), "     ".into()));
        // 0.5 = 5 half cells = two full cells and a half.
        assert_eq!(signed(0.5, 11), ("     ".into(), "██▌  ".into()));
        assert_eq!(signed(-0.5, 11), ("  ▐██".into(), "     ".into()));
        assert_eq!(signed(0.0, 11), ("     ".into(), "     ".into()));
        assert_eq!(signed(f64::NAN, 11), ("     ".into(), "     ".into()));
        assert_eq!(signed(7.0, 3), (" ".into(), "█".into()));
    }

    #[test]
    fn bars_keep_their_width() {
        for w in 0..20 {
            for v in [-1.0, -0.33, 0.0, 0.07, 0.5, 1.0, 3.0] {
                let (l, r) = signed(v, w);
                assert_eq!(width(&l), w.saturating_sub(1) / 2);
                assert_eq!(width(&r), w.saturating_sub(1) / 2);
                assert_eq!(width(&unsigned(v, 1.0, w)), w);
            }
        }
        assert_eq!(unsigned(1.0, 0.0, 4), "    ");
    }

    #[test]
    fn unsigned_bars_use_eighths() {
        assert_eq!(unsigned(10.0, 10.0, 4), "████");
        // 3/8 of 4 columns = 12 eighths = one full cell and a half.
        assert_eq!(unsigned(3.0, 8.0, 4), "█▌  ");
    }
}
