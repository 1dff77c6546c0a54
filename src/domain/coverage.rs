//! Review coverage per department: what waits for a first and a second review, who is
//! qualified to take it (their specialties meet it), the recent pace, and the days left at
//! that pace. Departments with waiting items and nobody qualified come first. Pure: the store
//! gives the counts.

/// The counts of one department (`None`: items with no department, which anyone may take).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoverageRow {
    pub department: Option<String>,
    /// Items in review with no reviewer yet, and with one.
    pub waiting_first: u64,
    pub waiting_second: u64,
    /// Annotators whose specialties meet the department (for `None`: every annotator).
    pub qualified: u64,
    /// Reviews of its items submitted in the window, and the window in days.
    pub reviews_recent: u64,
    pub days: u32,
}

impl CoverageRow {
    /// Reviews still needed: two for an item with none, one for an item with one.
    pub fn reviews_needed(&self) -> u64 {
        2 * self.waiting_first + self.waiting_second
    }

    /// Reviews per day over the window.
    pub fn per_day(&self) -> f64 {
        if self.days == 0 {
            return 0.0;
        }
        self.reviews_recent as f64 / f64::from(self.days)
    }

    /// Days to finish at the recent pace; `None` when nothing was reviewed in the window and
    /// something waits (no end in sight), `Some(0.0)` when nothing waits.
    pub fn days_left(&self) -> Option<f64> {
        let needed = self.reviews_needed();
        if needed == 0 {
            return Some(0.0);
        }
        let pace = self.per_day();
        (pace > 0.0).then(|| needed as f64 / pace)
    }

    /// Items wait and nobody is qualified to take them.
    pub fn uncovered(&self) -> bool {
        self.reviews_needed() > 0 && self.qualified == 0
    }
}

/// The rows in the order a maintainer reads them: uncovered departments first, then those
/// with no end in sight, then the most days left; departments with nothing waiting last;
/// by id within each.
pub fn order(rows: &mut [CoverageRow]) {
    rows.sort_by(|a, b| {
        let key = |r: &CoverageRow| {
            (
                !r.uncovered(),
                r.reviews_needed() == 0,
                r.days_left().is_some(),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| {
                let left = |r: &CoverageRow| r.days_left().unwrap_or(0.0);
                left(b).total_cmp(&left(a))
            })
            .then_with(|| a.department.cmp(&b.department))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(d: &str, first: u64, second: u64, qualified: u64, recent: u64) -> CoverageRow {
        CoverageRow {
            department: Some(d.into()),
            waiting_first: first,
            waiting_second: second,
            qualified,
            reviews_recent: recent,
            days: 7,
        }
    }

    #[test]
    fn days_left_at_the_recent_pace() {
        // 3 items with none (6 reviews) and 2 with one (2): 8 reviews at 14 a week = 4 days.
        let r = row("cardiology", 3, 2, 4, 14);
        assert_eq!(r.reviews_needed(), 8);
        assert_eq!(r.per_day(), 2.0);
        assert_eq!(r.days_left(), Some(4.0));
        assert_eq!(row("x", 1, 0, 1, 0).days_left(), None);
        assert_eq!(row("x", 0, 0, 1, 0).days_left(), Some(0.0));
    }

    #[test]
    fn uncovered_then_stalled_then_the_longest_first() {
        let mut rows = vec![
            row("a-done", 0, 0, 0, 5),
            row("b-fast", 1, 0, 2, 14),
            row("c-slow", 5, 0, 2, 7),
            row("d-stalled", 1, 1, 3, 0),
            row("e-nobody", 2, 0, 0, 0),
        ];
        order(&mut rows);
        let ids: Vec<&str> = rows
            .iter()
            .map(|r| r.department.as_deref().unwrap())
            .collect();
        assert_eq!(ids, ["e-nobody", "d-stalled", "c-slow", "b-fast", "a-done"]);
    }
}
