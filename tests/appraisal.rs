//! The appraisal a planner relies on, checked on the shipped regional scenarios against
//! jjj-2024 with its commuters held (fixed demand, as `commute compare` does by default):
//! closing a road or removing a line never raises the consumer surplus nor shortens the same
//! trips, and closing a road never speeds up a bus line that used it (it detours); adding a line
//! or a road never lowers the consumer surplus (line 22's and G109's headlines are benefits).
//! The after scenarios' loops resume from the before's, and the before's resumes in step with
//! them, as `commute compare` does: a scenario identical to the base changes nothing.

mod common;

use common::*;
use commute::compare::{CompareOptions, Comparison, RunData, compare_runs};
use commute::run::{
    HeldDemand, RunDemand, RunOptions, RunOutput, Tables, WarmStart, own_demand, run_with,
};
use std::path::Path;

/// Draws of every run: enough for an interval, few for a debug build.
const DRAWS: u32 = 5;

fn options() -> RunOptions {
    RunOptions {
        seed: 5,
        draws: DRAWS,
    }
}

/// Runs the scenario file `file` holding `held`'s commuters, its loop resumed from `start`
/// (as `commute compare` resumes the after scenario's from the before's).
fn run_from(file: &str, held: &HeldDemand, start: Option<&WarmStart>) -> RunOutput {
    let scenario = load(&root().join(file));
    let flows = held.on(&scenario).unwrap();
    let demand = RunDemand::Held {
        from: held.from.clone(),
        flows,
    };
    run_with(&scenario, options(), demand, start, |_| {})
}

/// [`run_from`] resumed from `resume`'s loop.
fn run_held(file: &str, held: &HeldDemand, resume: Option<&RunOutput>) -> RunOutput {
    run_from(file, held, resume.and_then(|r| r.warm_start.as_ref()))
}

/// As `commute compare` pairs jjj-2024 (its run `base`) with the scenario file `after`: the
/// after side resumed from the base's loop, the before side resumed in step with it.
fn pair(base: &RunOutput, after: &str, held: &HeldDemand) -> (RunOutput, RunOutput) {
    let after = run_held(after, held, Some(base));
    let steps = after.summary.equilibrium.as_ref().unwrap().steps();
    let start = base.warm_start.as_ref().unwrap().in_step(steps.clone());
    let before = run_from("scenarios/jjj-2024.toml", held, Some(&start));
    let before_loop = before.summary.equilibrium.as_ref().unwrap();
    assert!(before_loop.resumed);
    assert_eq!(
        before_loop.steps(),
        steps,
        "the before side takes the after's steps"
    );
    (before, after)
}

fn compare(before: &RunOutput, after: &RunOutput) -> Comparison {
    let dir = Path::new("in-memory");
    let (b, a) = (
        RunData::new(dir, before).unwrap(),
        RunData::new(dir, after).unwrap(),
    );
    compare_runs(
        &b,
        &a,
        CompareOptions {
            allow_unpaired: false,
        },
    )
    .unwrap()
}

#[test]
fn closures_never_help_and_new_links_never_hurt() {
    // As `commute compare` does: both sides hold the commuters jjj-2024's own run places.
    let base = load(&root().join("scenarios/jjj-2024.toml"));
    let held = HeldDemand::of(&base, &own_demand(&base, options()));
    let before = run_held("scenarios/jjj-2024.toml", &held, None);

    // Line 22's benefit is large enough for its interval to clear zero in five mornings.
    let (b, a) = pair(&before, "scenarios/line22.toml", &held);
    let c = compare(&b, &a);
    let surplus = c.region.consumer_surplus_hours.unwrap();
    assert!(surplus.ci_low > 0.0, "line 22: a benefit: {surplus:?}");
    // G109's (tens of generalised hours a morning, one corridor) clears zero too: resumed, the
    // after loop does not add the distance between two loops' stopping points.
    let (b, a) = pair(&before, "scenarios/g109-newline.toml", &held);
    let c = compare(&b, &a);
    let surplus = c.region.consumer_surplus_hours.unwrap();
    assert!(surplus.ci_low > 0.0, "G109: a benefit: {surplus:?}");

    // The base compared with itself, resumed: nothing changes, exactly.
    // The before side in step with it takes no step either.
    let (in_step, again) = pair(&before, "scenarios/jjj-2024.toml", &held);
    let equilibrium = |run: &RunOutput| run.summary.equilibrium.clone().unwrap();
    assert!(equilibrium(&again).resumed && equilibrium(&again).rounds.len() == 1);
    assert_eq!(again.files(), before.files());
    assert_eq!(in_step.files(), before.files());

    // Removing a line: subway line 6 (east-west through the centre to the City Sub-center).
    let tmp = tempfile::tempdir().unwrap();
    let removed = extending_scenario(
        tmp.path(),
        "no-line6",
        "scenarios/jjj-2024.toml",
        "[[modifications]]\ntype = \"remove-line\"\nlines = [\"L6\"]",
    );
    let (b, a) = pair(&before, removed.to_str().unwrap(), &held);
    let c = compare(&b, &a);
    let surplus = c.region.consumer_surplus_hours.unwrap();
    assert!(
        surplus.ci_high < 0.0,
        "removing a line never helps: {surplus:?}"
    );
    let same = c.region.time_change.unwrap();
    assert!(same.delta >= 0.0, "the same trips are not faster: {same:?}");

    let (before, closed) = pair(&before, "scenarios/jing-xiong-closure.toml", &held);
    let c = compare(&before, &closed);
    let surplus = c.region.consumer_surplus_hours.unwrap();
    assert!(surplus.mean < 0.0, "closing never helps: {surplus:?}");
    let same = c.region.time_change.unwrap();
    assert!(same.delta >= 0.0, "the same trips are not faster: {same:?}");
    // The Gaobeidian-Xiong'an coach used the closed expressway: it must detour (its road path
    // twice as long), so it is slower, not faster.
    let (Tables::MonteCarlo(b), Tables::MonteCarlo(a)) = (&before.tables, &closed.tables) else {
        panic!("Monte-Carlo runs")
    };
    let coach_minutes = |tables: &commute::run::MonteCarloTables| {
        tables
            .od
            .iter()
            .find(|r| {
                r.origin == "gaobeidian"
                    && r.destination == "xiongan"
                    && r.mode == commute::run::OdMode::Transit
            })
            .and_then(|r| commute::run::schema::value(r.mean_min))
            .expect("Gaobeidian - Xiong'an by transit")
    };
    assert!(
        coach_minutes(a) >= coach_minutes(b) + 10.0,
        "Gaobeidian - Xiong'an by coach: {} -> {}",
        coach_minutes(b),
        coach_minutes(a)
    );
}
