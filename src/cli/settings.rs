//! `medcurate settings [KEY [VALUE]]`: workspace settings kept in the database, and each
//! dataset's routing (`routing.DATASET`), kept with the dataset.

use crate::cli::identity::act_as;
use crate::domain::controls::{DEFAULT_RATE, RATE_SETTING, parse_rate};
use crate::domain::judge::DEFAULT_THRESHOLD;
use crate::domain::people::Role;
use crate::domain::routing::Routing;
use crate::store::{DEFAULT_LEASE_HOURS, LEASE_SETTING, Store, THRESHOLD_SETTING};
use anyhow::{Result, anyhow, bail};
use clap::Args;
use std::path::Path;

/// (key, what it does)
const KNOWN: &[(&str, &str)] = &[
    (
        LEASE_SETTING,
        "hours a reviewer's claim on an item (or an expert's on a dispute) lasts before it is offered to someone else",
    ),
    (
        THRESHOLD_SETTING,
        "how far apart (0-1) the two AI judges' scores must be for a physician to decide; a gap of exactly this is not a dispute",
    ),
    (
        RATE_SETTING,
        "how often a claim gives a physician a control item: 1 in N claims (0: never); only while controls are marked",
    ),
];

/// A setting's value when the workspace has not set it: the store's own default.
fn default_of(key: &str) -> String {
    match key {
        LEASE_SETTING => DEFAULT_LEASE_HOURS.to_string(),
        THRESHOLD_SETTING => DEFAULT_THRESHOLD.to_string(),
        RATE_SETTING => DEFAULT_RATE.to_string(),
        _ => String::new(),
    }
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// The setting to show or change; without it, all are listed
    pub key: Option<String>,
    /// The new value (maintainers only)
    pub value: Option<String>,
    /// The maintainer changing it
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
}

/// Each dataset's routing is the setting `routing.DATASET`.
const ROUTING_PREFIX: &str = "routing.";

pub fn run(db: &Path, args: SettingsArgs) -> Result<()> {
    match (args.key, args.value) {
        (None, _) => {
            let store = Store::open_existing(db)?;
            for (key, what) in KNOWN {
                let value = store
                    .setting(key)?
                    .unwrap_or_else(|| format!("{} (default)", default_of(key)));
                println!("{key} = {value}\n    {what}");
            }
            for (dataset, routing) in store.routings()? {
                let default = if routing == Routing::default() {
                    " (default)"
                } else {
                    ""
                };
                println!(
                    "{ROUTING_PREFIX}{dataset} = {routing}{default}\n    \
                     how {dataset}'s items reach physicians: strict (only those whose specialties \
                     meet the item's departments), prefer (them first, then anyone) or none"
                );
            }
        }
        (Some(key), value) if key.starts_with(ROUTING_PREFIX) => {
            let dataset = &key[ROUTING_PREFIX.len()..];
            let mut store = Store::open_existing(db)?;
            let Some(current) = store.routing(dataset)? else {
                bail!("there is no dataset {dataset:?} for {key}; `medcurate status` lists them");
            };
            match value {
                None => println!("{current}"),
                Some(v) => {
                    let routing: Routing = v.parse().map_err(|e: String| anyhow!("{key}: {e}"))?;
                    let me = act_as(&store, args.as_id.as_deref(), Role::Maintainer)?;
                    store.set_routing(dataset, routing, &me.id)?;
                    println!("{key} = {routing}");
                }
            }
        }
        (Some(key), value) => {
            if !KNOWN.iter().any(|(k, _)| *k == key) {
                let keys: Vec<&str> = KNOWN.iter().map(|(k, _)| *k).collect();
                bail!(
                    "unknown setting {key:?}; settings are: {}, and {ROUTING_PREFIX}DATASET",
                    keys.join(", ")
                );
            }
            let mut store = Store::open_existing(db)?;
            match value {
                None => println!(
                    "{}",
                    store.setting(&key)?.unwrap_or_else(|| default_of(&key))
                ),
                Some(v) => {
                    if key == LEASE_SETTING && !v.parse::<u64>().is_ok_and(|h| h >= 1) {
                        bail!("{key} must be a whole number of hours, at least 1");
                    }
                    if key == THRESHOLD_SETTING
                        && !v.parse::<f64>().is_ok_and(|t| (0.0..=1.0).contains(&t))
                    {
                        bail!("{key} must be a number from 0 to 1, e.g. 0.25");
                    }
                    let v = if key == RATE_SETTING {
                        parse_rate(&v)
                            .map_err(|e| anyhow!("{key}: {e}"))?
                            .to_string()
                    } else {
                        v
                    };
                    let me = act_as(&store, args.as_id.as_deref(), Role::Maintainer)?;
                    store.set_setting(&key, &v, &me.id)?;
                    println!("{key} = {v}");
                }
            }
        }
    }
    Ok(())
}
