//! People and the roles they hold.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A physician who reviews items.
    Annotator,
    /// Settles disagreements and edits items.
    Curator,
    /// Imports data, calibrates, samples and freezes releases.
    Maintainer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Annotator, Role::Curator, Role::Maintainer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Annotator => "annotator",
            Role::Curator => "curator",
            Role::Maintainer => "maintainer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}: use annotator, curator or maintainer"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// The OS account this person is bound to on a shared host, if any.
    pub os_user: Option<String>,
}

/// Checks a person id: short, no spaces, so it is easy to type after `--as`.
pub fn check_person_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.chars().count() > 64 {
        return Err("a person id must be 1-64 characters".into());
    }
    if !id
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!(
            "person id {id:?} may hold only letters, digits, '-', '_' and '.'"
        ));
    }
    Ok(())
}
