//! The built-in sample datasets, compiled into the binary so `medcurate demo` works anywhere.

/// (dataset name, native JSONL) for every file in `sample-data/`.
pub const SAMPLE_DATASETS: &[(&str, &str)] = &[
    ("CMExam", include_str!("../sample-data/CMExam.jsonl")),
    (
        "MAKnowledge",
        include_str!("../sample-data/MAKnowledge.jsonl"),
    ),
    ("MASafety", include_str!("../sample-data/MASafety.jsonl")),
    (
        "MADiagnosis",
        include_str!("../sample-data/MADiagnosis.jsonl"),
    ),
    (
        "MACompliance",
        include_str!("../sample-data/MACompliance.jsonl"),
    ),
    ("CMeEE", include_str!("../sample-data/CMeEE.jsonl")),
    ("CMeIE", include_str!("../sample-data/CMeIE.jsonl")),
    ("CHIP-CDN", include_str!("../sample-data/CHIP-CDN.jsonl")),
    ("CHIP-CDEE", include_str!("../sample-data/CHIP-CDEE.jsonl")),
];

/// Model responses to some of the open-ended samples with two AI-judge scores each, several
/// of them disputes, in the format of `medcurate responses import`.
pub const SAMPLE_RESPONSES: &str = include_str!("../sample-data/responses/model-responses.jsonl");
