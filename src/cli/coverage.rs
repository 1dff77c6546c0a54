//! `medcurate coverage [--dataset D] [--days N] [--all] [--json]`: per department, what waits
//! for review, who may take it, and how long it will take at the recent pace.

use crate::cli::identity::act_as_any;
use crate::cli::table;
use crate::domain::coverage::CoverageRow;
use crate::domain::departments::taxonomy;
use crate::domain::people::Role;
use crate::store::Store;
use anyhow::{Result, bail};
use clap::Args;
use std::path::Path;
use std::time::SystemTime;

#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Only this dataset's items
    #[arg(long)]
    pub dataset: Option<String>,
    /// The window of the pace, in days
    #[arg(long, default_value_t = 7)]
    pub days: u32,
    /// Every department, also those with nothing waiting, no review and nobody qualified
    #[arg(long)]
    pub all: bool,
    /// Print JSON instead of a table (every department)
    #[arg(long)]
    pub json: bool,
    /// The curator or maintainer asking [default: from the config file or OS account]
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
}

pub fn run(db: &Path, args: CoverageArgs) -> Result<()> {
    if args.days == 0 {
        bail!("--days must be at least 1");
    }
    let store = Store::open_existing(db)?;
    let me = act_as_any(
        &store,
        args.as_id.as_deref(),
        &[Role::Curator, Role::Maintainer],
    )?;
    let rows = store.coverage(
        &me.id,
        args.dataset.as_deref(),
        SystemTime::now(),
        args.days,
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&to_json(&rows))?);
    } else {
        print!("{}", table(&rows, args.days, args.all));
    }
    Ok(())
}

/// "Cardiology 心血管内科", or "No department (anyone)".
fn name(r: &CoverageRow) -> String {
    match &r.department {
        None => "No department (anyone)".into(),
        Some(id) => match taxonomy().get(id) {
            Some(d) => format!("{} {}", d.name_en, d.name_zh),
            None => id.clone(),
        },
    }
}

pub fn to_json(rows: &[CoverageRow]) -> serde_json::Value {
    let rows: Vec<_> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "department": r.department,
                "waiting_first_review": r.waiting_first,
                "waiting_second_review": r.waiting_second,
                "reviews_needed": r.reviews_needed(),
                "qualified_physicians": r.qualified,
                "reviews_in_window": r.reviews_recent,
                "days": r.days,
                "reviews_per_day": r.per_day(),
                "days_left": r.days_left(),
                "uncovered": r.uncovered(),
            })
        })
        .collect();
    serde_json::json!({ "departments": rows })
}

/// The table, padded by display width; departments with nothing to say are left out unless
/// `all`.
pub fn table(rows: &[CoverageRow], days: u32, all: bool) -> String {
    let head = [
        "Department".to_string(),
        "Waiting 1st".into(),
        "Waiting 2nd".into(),
        "Qualified".into(),
        format!("Reviews/day ({days} d)"),
        "Days left".into(),
    ];
    let shown: Vec<&CoverageRow> = rows
        .iter()
        .filter(|r| all || r.reviews_needed() > 0 || r.reviews_recent > 0)
        .collect();
    let cells: Vec<Vec<String>> = shown
        .iter()
        .map(|r| {
            let left = match r.days_left() {
                None => "no pace".to_string(),
                Some(d) => format!("{d:.1}"),
            };
            vec![
                format!("{}{}", if r.uncovered() { "! " } else { "" }, name(r)),
                r.waiting_first.to_string(),
                r.waiting_second.to_string(),
                r.qualified.to_string(),
                format!("{:.1}", r.per_day()),
                left,
            ]
        })
        .collect();
    let mut out = table::padded(&head, &cells);
    if shown.iter().any(|r| r.uncovered()) {
        out.push_str(
            "! items wait and no physician's specialties meet them: in a strict dataset nobody can \
             take them, elsewhere physicians of other specialties will. Add one with `medcurate \
             people specialty ID --add DEPARTMENT`\n",
        );
    }
    if shown.is_empty() {
        out.push_str("Nothing waits for review and nothing was reviewed in the window.\n");
    }
    out
}
