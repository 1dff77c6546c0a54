use super::*;
use Difficulty::*;

const MLB_MIX: DifficultyTarget = DifficultyTarget {
    hard: 3.0,
    medium: 5.0,
    easy: 2.0,
};

/// `n` candidates in `stratum`, difficulties cycling through `diffs`.
fn pool(spec: &[(&str, usize, &[Option<Difficulty>])]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (stratum, n, diffs) in spec {
        for i in 0..*n {
            out.push(Candidate {
                ext_id: format!("{stratum}-{i:05}"),
                stratum: stratum.to_string(),
                difficulty: diffs[i % diffs.len()],
            });
        }
    }
    out
}

fn count(o: &SampleOutcome, d: Option<Difficulty>) -> (Option<u64>, u64) {
    let r = o.difficulties.iter().find(|r| r.difficulty == d).unwrap();
    (r.target, r.achieved)
}

#[test]
fn largest_remainder_hands_out_every_unit() {
    assert_eq!(largest_remainder(10, &[3.0, 5.0, 2.0]), vec![3, 5, 2]);
    // 7 * (0.3, 0.5, 0.2) = 2.1, 3.5, 1.4: floors 2, 3, 1; the 0.5 gets the last one.
    assert_eq!(largest_remainder(7, &[3.0, 5.0, 2.0]), vec![2, 4, 1]);
    // Ties go to the earlier entry.
    assert_eq!(largest_remainder(1, &[1.0, 1.0]), vec![1, 0]);
    assert_eq!(
        largest_remainder(100, &[60.0, 30.0, 10.0]),
        vec![60, 30, 10]
    );
    assert_eq!(largest_remainder(5, &[]), Vec::<u64>::new());
    assert_eq!(largest_remainder(5, &[0.0, 0.0]), vec![0, 0]);
}

#[test]
fn hits_the_target_and_the_3_5_2_mix_when_the_pool_allows() {
    let all = [Some(Hard), Some(Medium), Some(Easy)];
    let p = pool(&[
        ("department=cardiology", 600, &all),
        ("department=nephrology", 300, &all),
        ("department=neurology", 100, &all),
    ]);
    let o = sample(
        &p,
        &Quotas::Proportional { total: 200 },
        Some(&MLB_MIX),
        7,
        "MAKnowledge",
    );
    assert_eq!(o.achieved(), 200);
    assert_eq!(count(&o, Some(Hard)), (Some(60), 60));
    assert_eq!(count(&o, Some(Medium)), (Some(100), 100));
    assert_eq!(count(&o, Some(Easy)), (Some(40), 40));
    // Proportional to the pool (6:3:1), and every swap stayed inside a stratum.
    let quotas: Vec<_> = o.strata.iter().map(|s| (s.quota, s.achieved)).collect();
    assert_eq!(quotas, vec![(120, 120), (60, 60), (20, 20)]);
    assert_eq!(o.swaps_across, 0);
    assert!(o.swaps_within > 0);
    assert!(o.shortfalls().is_empty(), "{:?}", o.shortfalls());
}

#[test]
fn the_same_seed_gives_the_same_sample_and_another_seed_another() {
    let all = [Some(Hard), Some(Medium), Some(Easy), None];
    let p = pool(&[("a", 500, &all), ("b", 500, &all)]);
    let run = |seed| {
        sample(
            &p,
            &Quotas::Proportional { total: 100 },
            Some(&MLB_MIX),
            seed,
            "X",
        )
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1).chosen, run(2).chosen);
    // The store's order does not matter.
    let mut reversed = p.clone();
    reversed.reverse();
    let o = sample(
        &reversed,
        &Quotas::Proportional { total: 100 },
        Some(&MLB_MIX),
        1,
        "X",
    );
    assert_eq!(o.chosen, run(1).chosen);
    // Unrated items are swapped out first.
    assert_eq!(count(&run(1), None), (Some(0), 0));
}

#[test]
fn shortfalls_are_reported_not_hidden() {
    // Only 30 items, few hard ones.
    let p = pool(&[(
        "all",
        30,
        &[
            Some(Easy),
            Some(Easy),
            Some(Medium),
            Some(Medium),
            Some(Medium),
            Some(Hard),
        ],
    )]);
    let o = sample(
        &p,
        &Quotas::Proportional { total: 100 },
        Some(&MLB_MIX),
        3,
        "CMExam",
    );
    assert_eq!(o.achieved(), 30);
    // 30 at 3:5:2 is 9 hard, 15 medium, 6 easy; the pool has 5 hard.
    assert_eq!(count(&o, Some(Hard)), (Some(9), 5));
    assert_eq!(count(&o, Some(Medium)), (Some(15), 15));
    assert_eq!(count(&o, Some(Easy)), (Some(6), 10));
    let s = o.shortfalls();
    assert_eq!(
        s,
        vec![
            "30 of 100 items: the accepted pool has only 30".to_string(),
            "hard: 5 of 9 (pool 5)".to_string()
        ]
    );
}

#[test]
fn swaps_cross_strata_only_when_no_stratum_can_swap() {
    // Stratum a holds only easy items, b only hard ones: the mix needs a cross swap.
    let p = pool(&[
        ("a", 50, &[Some(Easy)]),
        ("b", 50, &[Some(Hard)]),
        ("c", 100, &[Some(Medium)]),
    ]);
    let o = sample(
        &p,
        &Quotas::Proportional { total: 40 },
        Some(&MLB_MIX),
        11,
        "X",
    );
    assert_eq!(o.achieved(), 40);
    assert_eq!(count(&o, Some(Hard)), (Some(12), 12));
    assert_eq!(count(&o, Some(Medium)), (Some(20), 20));
    assert_eq!(count(&o, Some(Easy)), (Some(8), 8));
    assert!(o.swaps_across > 0);
    assert_eq!(o.swaps_within, 0);
}

#[test]
fn fixed_cells_get_their_count_and_missing_cells_are_named() {
    let p = pool(&[
        ("level=attending, specialty=cardiovascular", 250, &[None]),
        ("level=senior, specialty=cardiovascular", 120, &[None]),
        ("level=senior, specialty=other", 50, &[None]),
    ]);
    let cells = vec![
        "level=attending, specialty=cardiovascular".to_string(),
        "level=senior, specialty=cardiovascular".to_string(),
        "level=senior, specialty=hematology".to_string(),
    ];
    let o = sample(
        &p,
        &Quotas::Fixed {
            cells,
            per_cell: 200,
        },
        None,
        5,
        "CMedExam-2800",
    );
    assert_eq!(o.target, 600);
    assert_eq!(o.achieved(), 320);
    let by: Vec<_> = o
        .strata
        .iter()
        .map(|s| (s.stratum.as_str(), s.quota, s.achieved))
        .collect();
    assert_eq!(
        by,
        vec![
            ("level=attending, specialty=cardiovascular", 200, 200),
            ("level=senior, specialty=cardiovascular", 200, 120),
            ("level=senior, specialty=hematology", 200, 0),
            ("level=senior, specialty=other", 0, 0),
        ]
    );
    assert!(
        o.shortfalls()
            .contains(&"stratum level=senior, specialty=hematology: 0 of 200 (pool 0)".to_string())
    );
    assert_eq!(count(&o, None), (None, 320));
}

#[test]
fn labels() {
    assert_eq!(stratum_label(&[]), "all");
    assert_eq!(
        stratum_label(&[("department", Some("cardiology")), ("type", None)]),
        "department=cardiology, type=(none)"
    );
}
