//! Seats per train. The data's `carriage_types.json5` holds only each carriage type's total
//! passengers (seated and standing, about 6 standing a square metre), never seats, and no
//! Beijing seat count per car was found published. So the seats come from this table: per
//! carriage type, seats in a cab (head) car and in a middle car, each figure marked sourced
//! or estimated. The README the importer writes shows this table; docs/import.md lists the
//! seats a train it gives, line by line.

use std::fmt::Write as _;

/// Seats of one carriage type: a cab car's and a middle car's, and where the figure comes from.
pub(super) struct CarSeats {
    /// The type's key in `carriage_types.json5` (`A`, `B`, `B-`, ...).
    pub kind: &'static str,
    /// Seats in a cab car (the two ends of a train).
    pub head: u32,
    /// Seats in any other car.
    pub middle: u32,
    /// Sourced or an estimate, and why.
    pub basis: &'static str,
}

/// Seats a car by carriage type. A type of the data missing here is a problem of the import: its
/// seats must be looked up, not guessed by the importer.
pub(super) const SEATS_PER_CAR: &[CarSeats] = &[
    CarSeats {
        kind: "A",
        head: 48,
        middle: 56,
        basis: "estimate: the B-car layout scaled to the 22 m, 5-door A car (6A = 320 seats)",
    },
    CarSeats {
        kind: "B",
        head: 36,
        middle: 42,
        basis: "estimate: a standard B-car configuration (cab car 36, middle car 42; 6B = 240 \
                seats), as in other Chinese B-car fleets; about +-15%",
    },
    CarSeats {
        kind: "B-",
        head: 36,
        middle: 42,
        basis: "estimate: as B",
    },
    CarSeats {
        kind: "L",
        head: 57,
        middle: 58,
        basis: "sourced per train: \"fixed sets of four cars with a total of 230 seats\" \
                (simbacom.com Beijing subway guide, Airport Express), split evenly",
    },
    CarSeats {
        kind: "D",
        head: 64,
        middle: 64,
        basis: "sourced per train: 定员 448 (all seated, 2+2 and 2+1 rows) over 7 passenger \
                cars (trainnets.com, Daxing Airport Express)",
    },
    CarSeats {
        kind: "M",
        head: 30,
        middle: 30,
        basis: "estimate: about 30 a car (6 cars = 180); no count found",
    },
    CarSeats {
        kind: "LRT",
        head: 10,
        middle: 10,
        basis: "estimate: the Xijiao tram's layout (12 longitudinal seats in each of modules 1, \
                3, 5 and 8 transverse in modules 2, 4: 52 a 5-module tram), rounded to 10 a \
                module",
    },
];

/// Seats of a train of `count` cars of type `kind` (two cab cars and the others; never more than
/// `capacity`), or `None` when the table has no figure for the type.
pub(super) fn train_seats(kind: &str, count: u64, capacity: u32) -> Option<u32> {
    let car = SEATS_PER_CAR.iter().find(|c| c.kind == kind)?;
    let (head, middle) = (u64::from(car.head), u64::from(car.middle));
    let seats = if count >= 2 {
        2 * head + (count - 2) * middle
    } else {
        count * head
    };
    Some(u32::try_from(seats).map_or(capacity, |s| s.min(capacity)))
}

/// The table as markdown, for the README.
pub(super) fn table() -> String {
    let mut out =
        "| carriage type | seats, cab car | seats, middle car | basis |\n|---|---|---|---|\n"
            .to_owned();
    for car in SEATS_PER_CAR {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            car.kind, car.head, car.middle, car.basis
        );
    }
    out
}
