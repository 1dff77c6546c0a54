//! Routing items to physicians by specialty: a physician's specialties are sub-specialties
//! of the catalogue, each a bit (its place in catalogue order, as `department_bits` holds it
//! in the schema), so an item meets a physician when their masks share a bit.

use crate::domain::departments::{NO_DEPARTMENT, taxonomy};
use std::fmt;
use std::str::FromStr;

/// How a dataset's items reach physicians.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Routing {
    /// Only physicians whose specialties meet an item's departments are given it.
    Strict,
    /// Physicians whose specialties meet an item's departments first, then anyone.
    #[default]
    Prefer,
    /// Specialties play no part.
    None,
}

impl Routing {
    pub const ALL: [Routing; 3] = [Routing::Strict, Routing::Prefer, Routing::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Routing::Strict => "strict",
            Routing::Prefer => "prefer",
            Routing::None => "none",
        }
    }
}

impl fmt::Display for Routing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Routing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Routing::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown routing {s:?}: use strict, prefer or none"))
    }
}

/// The bit of a sub-specialty: its place in catalogue order. `None` for anything else
/// ("No Department" included: it meets everyone).
pub fn department_bit(id: &str) -> Option<u32> {
    taxonomy()
        .sub_specialties()
        .position(|(_, d)| d.id == id)
        .map(|p| p as u32)
}

/// The mask of a set of department ids; unknown ids and "No Department" add nothing.
pub fn mask_of<'a>(ids: impl IntoIterator<Item = &'a str>) -> i64 {
    ids.into_iter()
        .filter_map(department_bit)
        .fold(0u64, |m, b| m | (1u64 << b)) as i64
}

/// The sub-specialties a physician's specialty as typed stands for: a sub-specialty (by id,
/// name or alias), or a major department as shorthand for all of its sub-specialties.
pub fn resolve_specialty(key: &str) -> Result<Vec<String>, String> {
    let tax = taxonomy();
    let key = key.trim();
    if let Some(m) = tax
        .primary
        .iter()
        .find(|m| m.id == key || m.name_en.eq_ignore_ascii_case(key) || m.name_zh == key)
    {
        return Ok(m.secondary.iter().map(|d| d.id.clone()).collect());
    }
    match tax.resolve(key) {
        Ok(NO_DEPARTMENT) => Err(format!(
            "{key:?} is not a specialty: items without a department go to anyone; \
             give a sub-specialty or a major department"
        )),
        Ok(id) => Ok(vec![id.to_string()]),
        Err(e) => Err(e),
    }
}

/// Resolves every specialty given, sorted and unique; every key that fails, in one list.
pub fn resolve_specialties(keys: &[String]) -> Result<Vec<String>, Vec<String>> {
    let mut ids = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for k in keys {
        match resolve_specialty(k) {
            Ok(v) => ids.extend(v),
            Err(e) => problems.push(e),
        }
    }
    if problems.is_empty() {
        Ok(ids.into_iter().collect())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_major_department_stands_for_its_sub_specialties() {
        let subs = resolve_specialty("internal-medicine").unwrap();
        let want: Vec<String> = taxonomy()
            .primary
            .iter()
            .find(|m| m.id == "internal-medicine")
            .unwrap()
            .secondary
            .iter()
            .map(|d| d.id.clone())
            .collect();
        assert_eq!(subs, want);
        assert!(subs.contains(&"cardiology".to_string()));
    }

    #[test]
    fn aliases_and_names_resolve_and_no_department_is_refused() {
        assert_eq!(resolve_specialty("心内科").unwrap(), vec!["cardiology"]);
        assert_eq!(resolve_specialty("Cardiology").unwrap(), vec!["cardiology"]);
        assert!(
            resolve_specialty(NO_DEPARTMENT)
                .unwrap_err()
                .contains("not a specialty")
        );
        let all = resolve_specialties(&["cardio".into(), "xyz".into(), "nephrology".into()]);
        assert_eq!(all.unwrap_err().len(), 2);
    }

    #[test]
    fn each_sub_specialty_has_its_own_bit() {
        let mut seen = 0u64;
        for (_, d) in taxonomy().sub_specialties() {
            let b = department_bit(&d.id).unwrap();
            assert_eq!(seen & (1 << b), 0, "{}", d.id);
            seen |= 1 << b;
        }
        assert_eq!(seen, u64::MAX);
        assert_eq!(department_bit(NO_DEPARTMENT), None);
        assert_eq!(mask_of([NO_DEPARTMENT]), 0);
    }
}
