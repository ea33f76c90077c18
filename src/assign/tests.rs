use super::*;
use rand::{Rng, SeedableRng};

fn bpr(from: u32, to: u32, t0: f64, capacity: f64, alpha: f64, beta: f64) -> Link {
    Link {
        from,
        to,
        capacity,
        length: 1.0,
        free_flow_time: t0,
        delay: 0.0,
        vdf: VolumeDelay::Bpr { alpha, beta },
        toll: 0.0,
    }
}

fn one_pair(origin: u32, destination: u32, trips: f64) -> Demand {
    Demand {
        origins: vec![OriginDemand {
            zone: origin,
            destinations: vec![(destination, trips)],
        }],
    }
}

fn settings(algorithm: Algorithm, gap: f64) -> Settings {
    Settings {
        algorithm,
        relative_gap: gap,
        max_iterations: 5000,
        ..Settings::default()
    }
}

const ALGORITHMS: [Algorithm; 4] = [
    Algorithm::FrankWolfe,
    Algorithm::ConjugateFrankWolfe,
    Algorithm::BiconjugateFrankWolfe,
    Algorithm::GradientProjection,
];

#[test]
fn two_routes_split_where_costs_are_equal() {
    // t_a = 10 + 0.1 v, t_b = 20 + 0.1 v, 300 trips: equilibrium 200 / 100 at cost 30.
    let net = RoadNetwork::new(
        2,
        2,
        2,
        vec![
            bpr(0, 1, 10.0, 100.0, 1.0, 1.0),
            bpr(0, 1, 20.0, 200.0, 1.0, 1.0),
        ],
    );
    for algorithm in ALGORITHMS {
        let a = assign(
            &net,
            &one_pair(0, 1, 300.0),
            &[],
            &settings(algorithm, 1e-9),
            &mut |_| {},
        );
        assert!(a.converged, "{algorithm:?}");
        assert!(
            (a.flows[0] - 200.0).abs() < 1e-4,
            "{algorithm:?}: {:?}",
            a.flows
        );
        assert!((a.flows[1] - 100.0).abs() < 1e-4, "{algorithm:?}");
        assert!((a.times[0] - 30.0).abs() < 1e-5 && (a.times[1] - 30.0).abs() < 1e-5);
        let tstt = 200.0 * 30.0 + 100.0 * 30.0;
        assert!((a.last().tstt - tstt).abs() < 1e-3);
    }
}

/// The classic Braess network (as TNTP's `Braess_net.tntp`): 6 trips from 1 to 2; links
/// 1-3 and 4-2 cost 10 v, 3-2 and 1-4 cost 50 + v, the new link 3-4 costs 10 + v.
fn braess(with_new_link: bool) -> RoadNetwork {
    let tiny = 1e-8;
    let mut links = vec![
        bpr(0, 2, tiny, 1.0, 1e9, 1.0),
        bpr(0, 3, 50.0, 50.0, 1.0, 1.0),
        bpr(2, 1, 50.0, 50.0, 1.0, 1.0),
        bpr(3, 1, tiny, 1.0, 1e9, 1.0),
    ];
    if with_new_link {
        links.push(bpr(2, 3, 10.0, 10.0, 1.0, 1.0));
    }
    RoadNetwork::new(4, 2, 0, links)
}

#[test]
fn braess_paradox_a_new_link_makes_everyone_slower() {
    for algorithm in ALGORITHMS {
        let s = settings(algorithm, 1e-10);
        let before = assign(&braess(false), &one_pair(0, 1, 6.0), &[], &s, &mut |_| {});
        let after = assign(&braess(true), &one_pair(0, 1, 6.0), &[], &s, &mut |_| {});
        let per_trip = |a: &Assignment| a.last().tstt / 6.0;
        assert!((per_trip(&before) - 83.0).abs() < 1e-3, "{algorithm:?}");
        assert!((per_trip(&after) - 92.0).abs() < 1e-3, "{algorithm:?}");
        assert!((after.flows[4] - 2.0).abs() < 1e-3, "{algorithm:?}");
    }
}

#[test]
fn zones_are_not_passed_through() {
    // 0 -> 1 (a zone) -> 2 is cheap, 0 -> 3 -> 2 dear; zone 1 may not be a through node.
    let links = vec![
        bpr(0, 1, 1.0, 100.0, 0.0, 4.0),
        bpr(1, 2, 1.0, 100.0, 0.0, 4.0),
        bpr(0, 3, 5.0, 100.0, 0.0, 4.0),
        bpr(3, 2, 5.0, 100.0, 0.0, 4.0),
    ];
    let blocked = RoadNetwork::new(4, 3, 3, links.clone());
    let a = assign(
        &blocked,
        &one_pair(0, 2, 10.0),
        &[],
        &Settings::default(),
        &mut |_| {},
    );
    assert_eq!(a.flows, vec![0.0, 0.0, 10.0, 10.0]);
    let open = RoadNetwork::new(4, 3, 0, links);
    let a = assign(
        &open,
        &one_pair(0, 2, 10.0),
        &[],
        &Settings::default(),
        &mut |_| {},
    );
    assert_eq!(a.flows, vec![10.0, 10.0, 0.0, 0.0]);
}

#[test]
fn background_flow_congests_without_being_assigned() {
    let net = RoadNetwork::new(
        2,
        2,
        2,
        vec![
            bpr(0, 1, 10.0, 100.0, 1.0, 1.0),
            bpr(0, 1, 20.0, 200.0, 1.0, 1.0),
        ],
    );
    // 100 buses on the first road: 10 + 0.1 (a + 100) = 20 + 0.1 (300 - a) gives a = 150.
    let a = assign(
        &net,
        &one_pair(0, 1, 300.0),
        &[100.0, 0.0],
        &settings(Algorithm::GradientProjection, 1e-10),
        &mut |_| {},
    );
    assert!((a.flows[0] - 150.0).abs() < 1e-5, "{:?}", a.flows);
    assert!((a.times[0] - 35.0).abs() < 1e-6);
}

/// A random strongly connected network: a ring both ways plus random chords, BPR links.
fn random_case(seed: u64) -> (RoadNetwork, Demand) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let n = rng.random_range(6..25u32);
    let zones = rng.random_range(2..=n.min(8));
    let mut links = Vec::new();
    let mut link = |rng: &mut rand_chacha::ChaCha8Rng, a: u32, b: u32| {
        let vdf = if rng.random_bool(0.2) {
            VolumeDelay::Conical {
                alpha: rng.random_range(2.0..6.0),
            }
        } else {
            VolumeDelay::Bpr {
                alpha: rng.random_range(0.0..1.0),
                beta: rng.random_range(1.0..5.0),
            }
        };
        links.push(Link {
            from: a,
            to: b,
            capacity: rng.random_range(50.0..500.0),
            length: rng.random_range(0.5..5.0),
            free_flow_time: rng.random_range(0.5..10.0),
            delay: if rng.random_bool(0.1) { 2.0 } else { 0.0 },
            vdf,
            toll: if rng.random_bool(0.2) { 50.0 } else { 0.0 },
        });
    };
    for v in 0..n {
        link(&mut rng, v, (v + 1) % n);
        link(&mut rng, (v + 1) % n, v);
    }
    for _ in 0..2 * n {
        let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
        if a != b {
            link(&mut rng, a, b);
        }
    }
    let origins = (0..zones)
        .map(|zone| OriginDemand {
            zone,
            destinations: (0..zones)
                .filter_map(|d| {
                    let used = rng.random_bool(0.7);
                    let trips = rng.random_range(0.0..300.0);
                    used.then_some((d, trips))
                })
                .collect(),
        })
        .collect();
    (
        RoadNetwork::new(n as usize, zones as usize, 0, links),
        Demand { origins },
    )
}

#[test]
fn all_algorithms_reach_the_same_equilibrium_on_random_networks() {
    for seed in 0..40 {
        let (net, demand) = random_case(seed);
        let s = Settings {
            toll_factor: 0.02,
            distance_factor: 0.04,
            ..settings(Algorithm::GradientProjection, 1e-11)
        };
        let exact = assign(&net, &demand, &[], &s, &mut |_| {});
        assert!(exact.converged, "seed {seed}: {:?}", exact.last());
        let gaps: Vec<f64> = exact.iterations.iter().map(|i| i.relative_gap).collect();
        assert!(gaps.iter().all(|g| (0.0..=1.0).contains(g)));
        for algorithm in [Algorithm::FrankWolfe, Algorithm::BiconjugateFrankWolfe] {
            let a = assign(
                &net,
                &demand,
                &[],
                &Settings {
                    algorithm,
                    relative_gap: 1e-5,
                    // Frank-Wolfe's tail is long: check it by the duality bound only.
                    max_iterations: if algorithm == Algorithm::FrankWolfe {
                        200
                    } else {
                        5000
                    },
                    ..s
                },
                &mut |_| {},
            );
            // The objective is convex, and the duality gap (the gap's numerator) bounds how far
            // above the optimum any flow's objective is.
            let (loose, tight) = (a.last().beckmann_objective, exact.last().beckmann_objective);
            let excess = a.last().average_excess_cost * demand.total();
            assert!(
                loose >= tight - 1e-9 * tight.abs(),
                "seed {seed} {algorithm:?}"
            );
            assert!(
                loose - tight <= excess * (1.0 + 1e-6) + 1e-9 * tight.abs(),
                "seed {seed} {algorithm:?}: {loose} vs {tight}, bound {excess}"
            );
            if algorithm == Algorithm::BiconjugateFrankWolfe {
                assert!(a.converged, "seed {seed}: {:?}", a.last());
            }
        }
    }
}

#[test]
fn results_are_identical_at_one_and_two_threads() {
    let (net, demand) = random_case(3);
    for algorithm in ALGORITHMS {
        let s = settings(algorithm, 1e-8);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| assign(&net, &demand, &[], &s, &mut |_| {}))
        };
        let (one, two) = (run(1), run(2));
        let bits = |a: &Assignment| a.flows.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&one), bits(&two), "{algorithm:?}");
        assert_eq!(one.iterations, two.iterations);
    }
}

#[test]
fn bfw_needs_fewer_iterations_than_fw() {
    let mut fewer = 0;
    for seed in 0..10 {
        let (net, demand) = random_case(100 + seed);
        let count = |algorithm| {
            assign(&net, &demand, &[], &settings(algorithm, 1e-4), &mut |_| {})
                .iterations
                .len()
        };
        if count(Algorithm::BiconjugateFrankWolfe) <= count(Algorithm::FrankWolfe) {
            fewer += 1;
        }
    }
    assert!(fewer >= 8, "BFW was not faster on {} of 10", 10 - fewer);
}

#[test]
fn unreachable_pairs_are_listed() {
    let net = RoadNetwork::new(3, 3, 3, vec![bpr(0, 1, 1.0, 10.0, 0.15, 4.0)]);
    let demand = Demand {
        origins: vec![OriginDemand {
            zone: 0,
            destinations: vec![(1, 5.0), (2, 5.0), (2, 0.0)],
        }],
    };
    assert_eq!(net.unreachable_pairs(&demand), vec![(0, 2)]);
}
