//! What the entity type codes of extraction datasets stand for, as data: CMeEE's nine codes
//! with the Chinese names of its annotation guidelines and English ones. CMeIE and CHIP-CDEE
//! already name their types in Chinese (`疾病`, `症状`, …). A code not in the table is shown as
//! it is.

/// An entity type: its code as the dataset writes it, its Chinese and English names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityType {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// CMeEE (v1 and v2) entity types.
#[rustfmt::skip]
pub const CMEEE: &[EntityType] = &[
    EntityType { code: "dis", zh: "疾病", en: "disease" },
    EntityType { code: "sym", zh: "临床表现", en: "symptom" },
    EntityType { code: "dru", zh: "药物", en: "drug" },
    EntityType { code: "equ", zh: "医疗设备", en: "equipment" },
    EntityType { code: "pro", zh: "医疗程序", en: "procedure" },
    EntityType { code: "bod", zh: "身体", en: "body" },
    EntityType { code: "ite", zh: "医学检验项目", en: "test item" },
    EntityType { code: "mic", zh: "微生物类", en: "microorganism" },
    EntityType { code: "dep", zh: "科室", en: "department" },
];

/// The type a code stands for, if it is a known one.
pub fn entity_type(code: &str) -> Option<&'static EntityType> {
    CMEEE.iter().find(|t| t.code == code)
}

/// How a type is named to a reviewer: "dis 疾病 disease", or the code as it is when it is not
/// a known one (CMeIE's `疾病` already is a name).
pub fn type_label(code: &str) -> String {
    match entity_type(code) {
        Some(t) => format!("{} {} {}", t.code, t.zh, t.en),
        None => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmeee_codes_have_names_and_others_stay_as_they_are() {
        assert_eq!(type_label("dis"), "dis 疾病 disease");
        assert_eq!(type_label("ite"), "ite 医学检验项目 test item");
        assert_eq!(type_label("疾病"), "疾病");
        assert_eq!(type_label("xyz"), "xyz");
        assert_eq!(CMEEE.len(), 9);
        let mut codes: Vec<&str> = CMEEE.iter().map(|t| t.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), 9, "each code once");
    }
}
