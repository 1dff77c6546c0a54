//! The clinical department taxonomy: 9 major departments, 64 sub-specialties, and "No Department".
//!
//! The data is `schemas/departments.json`, embedded at build time so an installed binary has it.

use serde::Deserialize;
use std::sync::OnceLock;

/// The id of the "No Department" tag, for non-clinical items; never combined with another tag.
pub const NO_DEPARTMENT: &str = "no-department";
/// At most this many department tags per item.
pub const MAX_PER_ITEM: usize = 3;

const TAXONOMY_JSON: &str = include_str!("../../schemas/departments.json");

#[derive(Debug, Clone, Deserialize)]
pub struct Department {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    /// The other names physicians use for it (心内科, 消化科, ENT).
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Department {
    /// True when `key` is its id, its English name (any case), its Chinese name or an alias.
    pub fn is_named(&self, key: &str) -> bool {
        self.id == key
            || self.name_en.eq_ignore_ascii_case(key)
            || self.name_zh == key
            || self
                .aliases
                .iter()
                .any(|a| a == key || a.eq_ignore_ascii_case(key))
    }

    /// True when any of its names contains `lower` (already lower-cased).
    pub fn name_contains(&self, lower: &str) -> bool {
        self.id.contains(lower)
            || self.name_en.to_lowercase().contains(lower)
            || self.name_zh.contains(lower)
            || self
                .aliases
                .iter()
                .any(|a| a.to_lowercase().contains(lower))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct MajorDepartment {
    pub id: String,
    pub name_en: String,
    pub name_zh: String,
    pub secondary: Vec<Department>,
}

#[derive(Debug, Deserialize)]
pub struct Taxonomy {
    pub primary: Vec<MajorDepartment>,
    pub no_department: Department,
}

/// The embedded taxonomy, parsed once.
pub fn taxonomy() -> &'static Taxonomy {
    static CELL: OnceLock<Taxonomy> = OnceLock::new();
    // The file is compiled in and checked by tests, so a parse failure is a broken build.
    CELL.get_or_init(|| {
        serde_json::from_str(TAXONOMY_JSON).expect("schemas/departments.json is embedded and valid")
    })
}

impl Taxonomy {
    /// All 64 sub-specialties, in catalogue order.
    pub fn sub_specialties(&self) -> impl Iterator<Item = (&MajorDepartment, &Department)> {
        self.primary
            .iter()
            .flat_map(|m| m.secondary.iter().map(move |d| (m, d)))
    }

    /// Finds a taggable department (a sub-specialty or No Department) by id, English name
    /// (any case) or Chinese name, and returns its id.
    pub fn resolve(&self, key: &str) -> Result<&str, String> {
        let key = key.trim();
        let nd = &self.no_department;
        if matches_dept(nd, key) {
            return Ok(&nd.id);
        }
        if let Some((_, d)) = self.sub_specialties().find(|(_, d)| matches_dept(d, key)) {
            return Ok(&d.id);
        }
        if let Some(m) = self
            .primary
            .iter()
            .find(|m| m.id == key || m.name_en.eq_ignore_ascii_case(key) || m.name_zh == key)
        {
            let subs: Vec<&str> = m.secondary.iter().map(|d| d.id.as_str()).collect();
            return Err(format!(
                "{key:?} is a major department; tag one of its sub-specialties instead: {}",
                subs.join(", ")
            ));
        }
        let lower = key.to_lowercase();
        let close: Vec<&str> = self
            .sub_specialties()
            .map(|(_, d)| d)
            .filter(|d| !lower.is_empty() && d.name_contains(&lower))
            .map(|d| d.id.as_str())
            .take(3)
            .collect();
        if !close.is_empty() {
            return Err(format!(
                "unknown department {key:?}; did you mean {}? (ids are in schemas/departments.json)",
                close
                    .iter()
                    .map(|c| format!("{c:?}"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
        Err(format!(
            "unknown department {key:?}; use a sub-specialty id from schemas/departments.json \
             (e.g. \"cardiology\", \"gastroenterology\") or \"{NO_DEPARTMENT}\""
        ))
    }

    /// The sub-specialty or No Department with this id.
    pub fn get(&self, id: &str) -> Option<&Department> {
        if self.no_department.id == id {
            return Some(&self.no_department);
        }
        self.sub_specialties().map(|(_, d)| d).find(|d| d.id == id)
    }
}

fn matches_dept(d: &Department, key: &str) -> bool {
    d.is_named(key)
}

/// Resolves and checks a set of department tags: known, unique, at most three,
/// "No Department" alone. Returns the ids in the order given.
pub fn check_tags(tags: &[String]) -> Result<Vec<String>, String> {
    let tax = taxonomy();
    let mut ids: Vec<String> = Vec::with_capacity(tags.len());
    for t in tags {
        let id = tax.resolve(t)?.to_string();
        if ids.contains(&id) {
            return Err(format!("department {id:?} is listed twice; list each once"));
        }
        ids.push(id);
    }
    if ids.len() > MAX_PER_ITEM {
        return Err(format!(
            "{} departments given; an item takes at most {MAX_PER_ITEM}: keep the most relevant three",
            ids.len()
        ));
    }
    if ids.len() > 1 && ids.iter().any(|i| i == NO_DEPARTMENT) {
        return Err(format!(
            "\"{NO_DEPARTMENT}\" is for non-clinical items and stands alone; remove it or the other departments"
        ));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_has_nine_majors_and_sixty_four_subs() {
        let t = taxonomy();
        assert_eq!(t.primary.len(), 9);
        assert_eq!(t.sub_specialties().count(), 64);
    }

    #[test]
    fn resolves_ids_and_names() {
        let t = taxonomy();
        assert_eq!(t.resolve("cardiology"), Ok("cardiology"));
        assert_eq!(t.resolve("Cardiology"), Ok("cardiology"));
        assert_eq!(t.resolve("心血管内科"), Ok("cardiology"));
        assert_eq!(t.resolve("无科室"), Ok(NO_DEPARTMENT));
        assert!(
            t.resolve("internal-medicine")
                .unwrap_err()
                .contains("major department")
        );
        assert!(
            t.resolve("cardio")
                .unwrap_err()
                .contains("unknown department")
        );
    }

    #[test]
    fn every_alias_names_its_department_and_only_it() {
        let t = taxonomy();
        let mut count = 0;
        for (_, d) in t.sub_specialties() {
            for a in &d.aliases {
                count += 1;
                assert_eq!(t.resolve(a), Ok(d.id.as_str()), "alias {a}");
                let others: Vec<&str> = t
                    .sub_specialties()
                    .map(|(_, o)| o)
                    .filter(|o| o.id != d.id && o.is_named(a))
                    .map(|o| o.id.as_str())
                    .collect();
                assert!(
                    others.is_empty(),
                    "alias {a} of {} also names {others:?}",
                    d.id
                );
            }
        }
        assert!(count >= 60, "{count} aliases");
    }

    #[test]
    fn the_names_physicians_type() {
        let t = taxonomy();
        for (typed, id) in [
            ("心内", "cardiology"),
            ("心内科", "cardiology"),
            ("心血管科", "cardiology"),
            ("消化科", "gastroenterology"),
            ("消化内科", "gastroenterology"),
            ("呼吸科", "respiratory-medicine"),
            ("神经科", "neurology"),
            ("肾内科", "nephrology"),
            ("血液科", "hematology"),
            ("感染科", "infectious-diseases"),
            ("肝病科", "gastroenterology"),
            ("普通内科", "general-practice"),
            ("ent", "otolaryngology"),
        ] {
            assert_eq!(t.resolve(typed), Ok(id), "{typed}");
        }
    }

    #[test]
    fn tag_rules() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(check_tags(&s(&["cardiology", "nephrology", "neurology"])).is_ok());
        assert!(check_tags(&s(&["cardiology", "nephrology", "neurology", "hematology"])).is_err());
        assert!(check_tags(&s(&["no-department"])).is_ok());
        assert!(check_tags(&s(&["no-department", "cardiology"])).is_err());
        assert!(check_tags(&s(&["cardiology", "心血管内科"])).is_err());
    }
}
