use super::extraction::{EntityAnswer, item_counts};
use super::mcq::{all_right, labels_chosen};
use super::open_ended::score;
use super::table::{ItemKeys, ModelOutcomes, build};
use super::*;
use crate::domain::item::{Entity, Extraction, ExtractionTask};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn chose(v: &[&str]) -> Option<Vec<String>> {
    Some(s(v))
}

#[test]
fn a_question_is_right_only_if_every_presentation_is() {
    let labels = s(&["A", "B", "C", "D"]);
    let orders = vec![
        s(&["B", "A", "C", "D"]),
        s(&["C", "D", "A", "B"]),
        s(&["D", "C", "B", "A"]),
    ];
    let answer = s(&["A"]);
    // A stands at B, C and D in the three presentations.
    let right = [chose(&["B"]), chose(&["C"]), chose(&["D"])];
    assert!(all_right(&labels, &orders, &answer, &right));
    let one_wrong = [chose(&["B"]), chose(&["A"]), chose(&["D"])];
    assert!(!all_right(&labels, &orders, &answer, &one_wrong));
    // A presentation not answered counts as a wrong answer.
    let missing = [chose(&["B"]), None, chose(&["D"])];
    assert!(!all_right(&labels, &orders, &answer, &missing));
    // A letter with no option in the presentation is wrong, not an error here.
    let beyond = [chose(&["B"]), chose(&["C"]), chose(&["E"])];
    assert!(!all_right(&labels, &orders, &answer, &beyond));
}

#[test]
fn letters_map_back_through_the_permutation() {
    let order = s(&["C", "A", "D", "B"]);
    assert_eq!(labels_chosen(&order, &s(&["B"])), Ok(s(&["A"])));
    assert_eq!(labels_chosen(&order, &s(&["D", "A"])), Ok(s(&["B", "C"])));
    assert_eq!(labels_chosen(&order, &s(&["E"])), Err("E".to_string()));
}

#[test]
fn a_multi_answer_question_needs_every_correct_option_and_no_other() {
    let labels = s(&["A", "B", "C", "D", "E"]);
    let orders = vec![
        s(&["D", "A", "B", "C", "E"]),
        s(&["A", "D", "E", "B", "C"]),
        s(&["B", "C", "A", "E", "D"]),
    ];
    let answer = s(&["B", "D"]);
    let right = [chose(&["A", "C"]), chose(&["D", "B"]), chose(&["A", "E"])];
    assert!(all_right(&labels, &orders, &answer, &right));
    let partial = [chose(&["A"]), chose(&["D", "B"]), chose(&["A", "E"])];
    assert!(!all_right(&labels, &orders, &answer, &partial));
    let extra = [
        chose(&["A", "C", "E"]),
        chose(&["D", "B"]),
        chose(&["A", "E"]),
    ];
    assert!(!all_right(&labels, &orders, &answer, &extra));
}

fn ner(gold: &[(usize, usize, &str)]) -> Extraction {
    Extraction {
        task: ExtractionTask::Ner,
        text: "发热咳嗽三天服药".into(),
        entities: Some(
            gold.iter()
                .map(|(a, b, t)| Entity {
                    start: *a,
                    end: *b,
                    entity_type: t.to_string(),
                    text: String::new(),
                })
                .collect(),
        ),
        relations: None,
        events: None,
        normalized: None,
    }
}

fn ents(v: &[(usize, usize, &str)]) -> ExtractionAnswer {
    ExtractionAnswer::Entities(
        v.iter()
            .map(|(a, b, t)| EntityAnswer {
                start: *a,
                end: *b,
                entity_type: t.to_string(),
            })
            .collect(),
    )
}

#[test]
fn micro_f1_sums_the_counts_over_items_and_classes() {
    // Item 1: one span right, one a character short (a false positive and a false negative).
    let c1 = item_counts(
        &ner(&[(0, 2, "sym"), (2, 4, "sym")]),
        Some(&ents(&[(0, 2, "sym"), (2, 3, "sym")])),
    );
    assert_eq!(
        c1,
        Counts {
            tp: 1,
            fp: 1,
            fn_: 1
        }
    );
    // Item 2: the drug found, plus a span of the wrong type.
    let c2 = item_counts(
        &ner(&[(6, 8, "dru")]),
        Some(&ents(&[(6, 8, "dru"), (0, 2, "dis")])),
    );
    assert_eq!(
        c2,
        Counts {
            tp: 1,
            fp: 1,
            fn_: 0
        }
    );
    // Item 3 not answered: its gold entity is a false negative.
    let c3 = item_counts(&ner(&[(4, 6, "sym")]), None);
    assert_eq!(
        c3,
        Counts {
            tp: 0,
            fp: 0,
            fn_: 1
        }
    );
    let outcomes = [c1, c2, c3].map(Outcome::Extraction);
    // tp 2, fp 2, fn 2: F1 = 4 / (4 + 2 + 2) = 0.5.
    assert_eq!(dataset_score(&outcomes).score, Some(50.0));
}

fn judged(a: f64, b: f64, physician: Option<f64>) -> JudgedResponse {
    JudgedResponse {
        dataset: "D".into(),
        item: "o1".into(),
        model: "m".into(),
        judges: [a, b],
        physician,
    }
}

#[test]
fn a_dispute_takes_the_physicians_score() {
    let t = 0.25;
    assert_eq!(
        score(&judged(0.8, 0.7, None), t),
        OpenScore {
            score: 0.75,
            undecided: false
        }
    );
    assert_eq!(
        score(&judged(0.9, 0.5, Some(0.6)), t),
        OpenScore {
            score: 0.6,
            undecided: false
        }
    );
    assert_eq!(
        score(&judged(0.9, 0.5, None), t),
        OpenScore {
            score: 0.7,
            undecided: true
        }
    );
    // A gap of exactly the threshold is no dispute.
    assert!(!score(&judged(0.35, 0.1, None), t).undecided);
}

fn open(score: f64) -> Option<Outcome> {
    Some(Outcome::OpenEnded {
        score,
        provisional: false,
    })
}

#[test]
fn dimensions_average_as_in_table_4() {
    // Kimi-K2-Instruct's five dimension scores, each from a one-item dataset.
    let dims = s(&["MedKQA", "MedSE", "MedRU", "SmartServ", "SmartCare"]);
    let items: Vec<ItemKeys> = dims
        .iter()
        .map(|d| ItemKeys {
            dataset: format!("{d}-set"),
            columns: vec![d.clone()],
        })
        .collect();
    let kimi = ModelOutcomes {
        model: "Kimi-K2-Instruct".into(),
        outcomes: [0.7317, 0.8550, 0.8775, 0.6125, 0.7877].map(open).to_vec(),
    };
    let t = build("dimension", &dims, &items, &[kimi]);
    let row = &t.rows[0];
    let got: Vec<f64> = row.cells.iter().map(|c| c.score.unwrap()).collect();
    for (g, w) in got.iter().zip([73.17, 85.50, 87.75, 61.25, 78.77]) {
        assert!((g - w).abs() < 1e-9, "{g} {w}");
    }
    assert!(
        (row.average.unwrap() - 77.288).abs() < 1e-9,
        "{:?}",
        row.average
    );
}

#[test]
fn a_dimension_is_the_mean_of_its_datasets_and_a_missing_one_is_never_zero() {
    let items = vec![
        ItemKeys {
            dataset: "A".into(),
            columns: s(&["K"]),
        },
        ItemKeys {
            dataset: "A".into(),
            columns: s(&["K"]),
        },
        ItemKeys {
            dataset: "B".into(),
            columns: s(&["K"]),
        },
        ItemKeys {
            dataset: "C".into(),
            columns: s(&["S"]),
        },
    ];
    let m = ModelOutcomes {
        model: "m".into(),
        outcomes: vec![
            Some(Outcome::Mcq { correct: true }),
            Some(Outcome::Mcq { correct: false }),
            open(0.9),
            None,
        ],
    };
    let t = build("dimension", &s(&["K", "S", "Unused"]), &items, &[m]);
    assert_eq!(t.columns, s(&["K", "S"]));
    // K: (50 + 90) / 2 datasets, not (1 + 0 + 0.9) / 3 items.
    assert!((t.rows[0].cells[0].score.unwrap() - 70.0).abs() < 1e-9);
    assert_eq!(t.rows[0].cells[1].score, None);
    assert_eq!(t.rows[0].cells[1].missing, s(&["C"]));
    assert_eq!(t.rows[0].average, None);
}

#[test]
fn a_bar_chart_draws_each_model_to_an_eighth_of_a_cell() {
    let items = vec![ItemKeys {
        dataset: "A".into(),
        columns: s(&["K"]),
    }];
    let models: Vec<ModelOutcomes> = [("大模型", 0.5), ("m2", 0.8125)]
        .iter()
        .map(|(m, v)| ModelOutcomes {
            model: m.to_string(),
            outcomes: vec![open(*v)],
        })
        .chain([ModelOutcomes {
            model: "none".into(),
            outcomes: vec![None],
        }])
        .collect();
    let t = build("dimension", &s(&["K"]), &items, &models);
    let chart = super::render::bars(&t, "K", 8).unwrap();
    // 50 of 100 over 8 cells is 4 cells; 81.25 is 6.5 cells: six and a half block.
    assert_eq!(
        chart,
        "K (0-100)\n大模型  ████ 50.00\nm2      ██████▌ 81.25\nnone    -\n"
    );
    assert!(
        super::render::bars(&t, "Average", 8)
            .unwrap()
            .starts_with("Average")
    );
    let e = super::render::bars(&t, "Nope", 8).unwrap_err();
    assert!(e.contains("use Average or one of: K"), "{e}");
}
