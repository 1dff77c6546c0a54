use super::*;

fn raw(json: &str) -> RawItem {
    serde_json::from_str(json).unwrap()
}

fn errors(json: &str) -> Vec<String> {
    build_item(raw(json), "T")
        .unwrap_err()
        .iter()
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn mcq_answer_string_is_split_and_ordered() {
    let item = build_item(
        raw(r#"{"id":"1","kind":"mcq","stem":"题干","options":[{"label":"A","text":"甲"},{"label":"B","text":"乙"},{"label":"C","text":"丙"}],"answer":"CA"}"#),
        "T",
    )
    .unwrap();
    let Content::Mcq(m) = item.body.content else {
        panic!()
    };
    assert_eq!(m.answer, vec!["A", "C"]);
}

#[test]
fn every_problem_of_a_record_is_reported() {
    let errs = errors(
        r#"{"id":"1","kind":"mcq","stem":" ","options":[{"label":"A","text":"甲"},{"label":"A","text":"乙"}],"answer":["D"],"prompt":"x"}"#,
    );
    assert_eq!(
        errs,
        vec![
            "field `prompt`: does not belong to a mcq item; remove it or fix `kind`",
            "field `stem`: is empty; write the text here",
            "field `options[1].label`: \"A\" is used twice (also options[0]); give each option its own letter",
            "field `answer`: \"D\" is not one of the option labels (A, A); fix the answer or the options",
        ]
    );
}

#[test]
fn span_off_by_one_names_the_right_place() {
    let errs = errors(
        r#"{"id":"1","kind":"extraction","task":"ner","text":"患者有2型糖尿病","entities":[{"start":3,"end":7,"type":"dis","text":"2型糖尿病"}]}"#,
    );
    assert_eq!(
        errs,
        vec![
            "field `entities[0].text`: is \"2型糖尿病\" but the text at 3..7 is \"2型糖尿\"; offsets are code points with `end` exclusive (it is at 3..8)"
        ]
    );
}

#[test]
fn extraction_task_needs_its_own_gold_field() {
    let errs = errors(
        r#"{"id":"1","kind":"extraction","task":"normalization","text":"糖尿病","entities":[]}"#,
    );
    assert_eq!(
        errs,
        vec![
            "field `entities`: does not belong to a normalization item (that is `normalized`); remove it or fix `task`",
            "field `normalized`: missing; a normalization item lists its gold annotation here",
        ]
    );
}

#[test]
fn canonical_json_round_trips() {
    let item = build_item(
        raw(r#"{"id":"1","kind":"open_ended","prompt":"如何处理？","rubric":["要点一",{"text":"要点二","points":2}],"suggested_departments":["心血管内科"],"difficulty":"hard","attributes":{"source":"generated","level":2}}"#),
        "T",
    )
    .unwrap();
    assert_eq!(item.body.suggested_departments, vec!["cardiology"]);
    let json = item.body.canonical_json();
    let back: ItemBody = serde_json::from_str(&json).unwrap();
    assert_eq!(back, item.body);
    assert_eq!(back.canonical_json(), json);
}

#[test]
fn null_in_an_optional_field_means_absent() {
    let item = build_item(
        raw(r#"{"id":"1","kind":"mcq","dataset":null,"stem":"题干","options":[{"label":"A","text":"甲"},{"label":"B","text":"乙"}],"answer":"A","explanation":null,"difficulty":null,"attributes":null,"provenance":null,"suggested_departments":null,"prompt":null,"rubric":null,"task":null,"entities":null}"#),
        "T",
    )
    .unwrap();
    assert_eq!(item.body.difficulty, None);
    assert!(item.body.provenance.is_empty() && item.body.attributes.is_empty());
    let Content::Mcq(m) = item.body.content else {
        panic!()
    };
    assert_eq!(m.explanation, None);
}

#[test]
fn null_in_an_event_or_rubric_point_means_absent() {
    let item = build_item(
        raw(r#"{"id":"1","kind":"extraction","task":"event","text":"无发热","events":[{"core_name":"发热","tendency":null,"character":null,"anatomy_list":null}]}"#),
        "T",
    )
    .unwrap();
    let Content::Extraction(x) = item.body.content else {
        panic!()
    };
    assert_eq!(x.events.unwrap()[0].tendency, "");
    let item = build_item(
        raw(r#"{"id":"2","kind":"open_ended","prompt":"如何处理？","rubric":[{"text":"要点","points":null}]}"#),
        "T",
    )
    .unwrap();
    let Content::OpenEnded(o) = item.body.content else {
        panic!()
    };
    assert_eq!(o.rubric[0].points, None);
}

#[test]
fn nested_records_must_be_objects() {
    // serde would read ["发热"] as an event whose first field is its core name.
    let errs = crate::import::native::parse(
        r#"{"id":"1","kind":"extraction","task":"event","text":"无发热","events":[["发热"]]}"#,
    )
    .unwrap_err();
    assert_eq!(errs[0].field, "events[0]");
}
