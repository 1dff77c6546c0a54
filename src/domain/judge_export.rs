//! Adjudicated disputes as training data for a judge model: chat-messages examples (system,
//! user with question, rubric and response, assistant with the expert's verdict).

use super::item::{Content, ItemBody, points_text};
use super::judge::Adjudication;
use serde_json::{Value, json};

/// The instruction every example starts with.
pub const SYSTEM_PROMPT: &str = "You are a senior physician grading a model's answer to a medical question against a scoring rubric. For each rubric point, decide whether the response meets it. Then give an overall score from 0 to 1 and a short reason. Reply with JSON only: {\"points\": [{\"point\": 1, \"met\": true}, ...], \"score\": 0.0, \"reason\": \"...\"}.";

/// The user turn: the question, the rubric (numbered, with points where given), the
/// reference answer if any, and the response.
pub fn user_prompt(body: &ItemBody, response: &str) -> String {
    let mut s = String::new();
    if let Content::OpenEnded(o) = &body.content {
        s.push_str("Question:\n");
        s.push_str(&o.prompt);
        s.push_str("\n\nRubric:\n");
        for (i, p) in o.rubric.iter().enumerate() {
            match p.points {
                Some(pts) => s.push_str(&format!("{}. {} ({})\n", i + 1, p.text, points_text(pts))),
                None => s.push_str(&format!("{}. {}\n", i + 1, p.text)),
            }
        }
        if let Some(r) = &o.reference_answer {
            s.push_str("\nReference answer:\n");
            s.push_str(r);
            s.push('\n');
        }
    }
    s.push_str("\nResponse:\n");
    s.push_str(response);
    s
}

/// The assistant turn: the expert's verdict as the JSON the system prompt asks for.
pub fn verdict_json(a: &Adjudication) -> String {
    let points: Vec<Value> = a
        .points
        .iter()
        .enumerate()
        .map(|(i, m)| json!({"point": i + 1, "met": m.unwrap_or(false)}))
        .collect();
    json!({"points": points, "score": a.score, "reason": a.reason}).to_string()
}

/// One training example.
pub fn sft_example(body: &ItemBody, response: &str, a: &Adjudication) -> Value {
    json!({
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user_prompt(body, response)},
            {"role": "assistant", "content": verdict_json(a)},
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::item::{OpenEnded, RubricPoint};

    #[test]
    fn an_example_has_the_three_turns() {
        let body = ItemBody {
            content: Content::OpenEnded(OpenEnded {
                prompt: "高血压会头晕吗？".into(),
                rubric: vec![
                    RubricPoint {
                        text: "指出高血压可引起头晕".into(),
                        points: Some(2.0),
                    },
                    RubricPoint {
                        text: "建议规范测量血压".into(),
                        points: None,
                    },
                ],
                reference_answer: None,
            }),
            provenance: Default::default(),
            attributes: Default::default(),
            suggested_departments: vec![],
            difficulty: None,
        };
        let a = Adjudication {
            points: vec![Some(true), Some(false)],
            score: Some(0.5),
            reason: "未建议测血压".into(),
        };
        let ex = sft_example(&body, "会的，多休息。", &a);
        let m = ex["messages"].as_array().unwrap();
        assert_eq!(m[0]["role"], "system");
        assert_eq!(
            m[1]["content"],
            "Question:\n高血压会头晕吗？\n\nRubric:\n1. 指出高血压可引起头晕 (2 points)\n2. 建议规范测量血压\n\nResponse:\n会的，多休息。"
        );
        let v: Value = serde_json::from_str(m[2]["content"].as_str().unwrap()).unwrap();
        assert_eq!(v["points"][1], json!({"point": 2, "met": false}));
        assert_eq!(v["score"], 0.5);
        assert_eq!(v["reason"], "未建议测血压");
    }
}
