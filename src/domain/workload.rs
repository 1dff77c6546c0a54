//! A physician's workload as counts and times, never verdicts: what `medcurate workload`
//! shows a curator or maintainer to see who has stalled and who goes suspiciously fast.

/// One annotator's pace and open work.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReviewerLoad {
    pub id: String,
    pub name: String,
    /// The window, in days, of the recent figures.
    pub days: u32,
    /// Reviews submitted, ever.
    pub submitted: u64,
    /// Reviews submitted in the window.
    pub submitted_recent: u64,
    /// Median seconds from claim to submit, over the window's submitted reviews.
    pub median_secs: Option<f64>,
    /// Claims held now, and the age of the oldest in seconds.
    pub open_claims: u64,
    pub oldest_open_secs: Option<f64>,
    /// Items given back, and claims that lapsed, in the window.
    pub skipped: u64,
    pub lapsed: u64,
}

impl ReviewerLoad {
    /// Reviews per day over the window.
    pub fn per_day(&self) -> f64 {
        if self.days == 0 {
            return 0.0;
        }
        self.submitted_recent as f64 / f64::from(self.days)
    }
}

/// The median of `values` (sorted in place); `None` for none.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// A span of seconds as people read it: "45 s", "12 min", "3.5 h", "2.1 d".
pub fn duration_words(secs: f64) -> String {
    if secs < 60.0 {
        format!("{secs:.0} s")
    } else if secs < 3600.0 {
        format!("{:.0} min", secs / 60.0)
    } else if secs < 86_400.0 {
        format!("{:.1} h", secs / 3600.0)
    } else {
        format!("{:.1} d", secs / 86_400.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_even_and_empty_lists() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn durations_read_in_the_unit_that_fits() {
        assert_eq!(duration_words(4.4), "4 s");
        assert_eq!(duration_words(780.0), "13 min");
        assert_eq!(duration_words(3.5 * 3600.0), "3.5 h");
        assert_eq!(duration_words(2.0 * 86_400.0), "2.0 d");
    }

    #[test]
    fn the_pace_is_per_day_of_the_window() {
        let l = ReviewerLoad {
            days: 7,
            submitted_recent: 21,
            ..Default::default()
        };
        assert_eq!(l.per_day(), 3.0);
    }
}
