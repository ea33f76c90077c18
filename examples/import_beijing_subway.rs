//! Generates the Beijing subway layer of the regional network (`networks/jjj/subway`) from the
//! open data of Beijing-Subway-Tools (github.com/Mick235711/Beijing-Subway-Tools, MIT licence,
//! by Mick235711), shared read-only in `../shared/data/jjj/beijing-subway-tools`.
//!
//! ```sh
//! cargo run --release --example import_beijing_subway -- \
//!     --data ../shared/data/jjj/beijing-subway-tools --out networks/jjj/subway
//! ```
//!
//! The data files are never copied: only derived facts (station names, distances, run times,
//! headways, transfer times, fitted coordinates) are written, as the tables of docs/formats.md.
//! The output is a function of the input alone (no clock, no hash order): same data, same bytes.
//!
//! What is derived, and how:
//!
//! - **Stations** (`nodes.csv`): one `subway_station` node per station name, shared by every line
//!   serving it. The id is `bj_` + toneless pinyin of the Chinese name (phrase corrections for
//!   place names whose readings differ from the dictionary default, e.g. 长椿街 Changchunjie,
//!   马家堡 Majiapu, 什刹海 Shichahai); the two names that exist once per line, `木樨地(1号线)` and
//!   `大钟寺(12号线)`, get `_l1` / `_l12` style suffixes, and a later station spelt like an
//!   earlier one (关庄 after 管庄) its first line's id (`bj_guanzhuang_l15`). The English name is
//!   the station's English alias in the data where it has one (e.g. Military Museum; a few
//!   aliases that are not translations are skipped, see `IGNORED_ALIASES`), else signage-style
//!   pinyin: the place name as one word, a trailing direction character translated (天安门西
//!   Tiananmen West), a final 站 as "Railway Station", `(N号线)` as "(Line N)"; stations whose
//!   names would still coincide get their first line in parentheses (Guanzhuang (Line 15)).
//!   The Chinese name (`name_zh`) is the data's station name; the stations named after a
//!   railway station of the rail layer (北京西站, 清河站, ...) add `(地铁站)`, as map services
//!   label subway stations, so that `--from 北京西站` means the railway station, as
//!   `--from "Beijing West"` does.
//! - **Coordinates**: the data has none, but its map `maps/real_distance.json5` is drawn to scale.
//!   An affine transform from map pixels (box centres) to local kilometres around Beijing is
//!   fitted by least squares on `ANCHORS`, stations whose WGS84 position is published (railway
//!   stations from the shared railway list, station articles on Wikipedia), and applied to every
//!   station; the residuals are printed. All positions are marked `approximate`.
//! - **Lines** (`lines.csv`): ids from `LINES`, English names from the line's aliases, mode
//!   `subway`, capacity = carriages x carriage capacity (`carriage_types.json5`), fare from
//!   `fare_rules.json5` (see `fare_rule`).
//!   Loop lines repeat their first station at the end. The Capital Airport Express, whose
//!   outbound trains run Beixinqiao - Sanyuanqiao - T3 - T2 - Sanyuanqiao - Beixinqiao
//!   (`end_circle` in the data), is a one-way line over that loop.
//! - **Run times** (`stops.csv`): the timetables list departure times per station, in whole
//!   minutes, with no train numbers. Trains are matched between consecutive stations by order
//!   (no overtaking), after removing the trains the routing filters say end at the first station
//!   or start at the second; where the counts still differ (a few depot moves), by a monotone
//!   alignment that best keeps the travel time constant. For each segment and direction the
//!   weekday 07:00-09:00 travel times are summarised by their median, interpolated within the
//!   minute (the times are whole minutes: the grouped-data median keeps the sub-minute part), and
//!   the segments of a direction are scaled together to the median end-to-end time of the peak
//!   trains that run the whole line, so a line's run times add up to the timetable's. A two-way
//!   line gets the mean of its two directions. The timetables give departures only, so the whole
//!   inter-station time (running plus the dwell at the next station) is `run_min`, `dwell_min` 0.
//! - **Service** (`service.csv`): weekday headways in the periods first train - 07:00, 07:00-09:00,
//!   09:00-17:00, 17:00-19:00, 19:00 - last train, each the period length divided by the trains
//!   leaving the line's first stop in the forward direction within it.
//! - **Transfers** (`transfers.csv`): for each station of `metadata.json5`, the mean of its listed
//!   transfer minutes over all line pairs and directions (a pair listed one way only counts for
//!   both ways, as the data's convention says), ignoring entries limited by `apply_time`; its
//!   virtual transfers between differently named stations become `from != to` rows.

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use pinyin::ToPinyin;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(about = "Generates networks/jjj/subway from Beijing-Subway-Tools data")]
struct Args {
    /// The beijing-subway-tools data folder (line*.json5, metadata.json5, maps/ ...).
    #[arg(long)]
    data: PathBuf,
    /// The output folder (created if missing; the five CSV tables are overwritten).
    #[arg(long)]
    out: PathBuf,
}

/// Line files in output order, with our line ids.
const LINES: [(&str, &str); 28] = [
    ("line1.json5", "L1"),
    ("line2.json5", "L2"),
    ("line3.json5", "L3"),
    ("line4.json5", "L4"),
    ("line5.json5", "L5"),
    ("line6.json5", "L6"),
    ("line7.json5", "L7"),
    ("line8.json5", "L8"),
    ("line9.json5", "L9"),
    ("line10.json5", "L10"),
    ("line11.json5", "L11"),
    ("line12.json5", "L12"),
    ("line13.json5", "L13"),
    ("line14.json5", "L14"),
    ("line15.json5", "L15"),
    ("line16.json5", "L16"),
    ("line17.json5", "L17"),
    ("line18.json5", "L18"),
    ("line19.json5", "L19"),
    ("line-s1.json5", "S1"),
    ("changping-line.json5", "CP"),
    ("fangshan-line.json5", "FS"),
    ("yizhuang-line.json5", "YZ"),
    ("yanfang-line.json5", "YF"),
    ("xijiao-line.json5", "XJ"),
    ("yizhuang-t1-line.json5", "T1"),
    ("capital-airport-express.json5", "CAE"),
    ("daxing-airport-express.json5", "DAE"),
];

/// Stations with a published WGS84 position, used to fit the map: (station, lon, lat, source).
/// Railway stations give the station building; the subway station lies beside or under it.
/// Left out: 丰台站 (Wikipedia's position predates the rebuilt station: 0.96 km off the fit),
/// 西二旗 (Wikipedia's position is from Gaode, in GCJ-02), 北京北站 (no subway station of that
/// name; Xizhimen lies beside it).
#[rustfmt::skip]
const ANCHORS: [(&str, f64, f64, &str); 27] = [
    ("北京站", 116.421034, 39.902318, "jjj_railway_stations_listenzcc.csv, 北京站 (WGS84)"),
    ("北京南站", 116.372828, 39.863505, "jjj_railway_stations_listenzcc.csv, 北京南站 (WGS84)"),
    ("北京西站", 116.315031, 39.893457, "jjj_railway_stations_listenzcc.csv, 北京西站 (WGS84)"),
    ("清河站", 116.308941, 40.040358, "jjj_railway_stations_listenzcc.csv, 清河站 (WGS84)"),
    ("黄村火车站", 116.326143, 39.720190, "jjj_railway_stations_listenzcc.csv, 黄村站 (WGS84)"),
    ("西直门", 116.355, 39.9405, "Wikipedia, Xizhimen station"),
    ("天安门东", 116.39611, 39.90639, "Wikipedia, Tian'anmen East station"),
    ("东四十条", 116.4339, 39.9313, "Wikipedia, Dongsi Shitiao station"),
    ("雍和宫", 116.4171, 39.9493, "Wikipedia, Yonghegong Lama Temple station"),
    ("三元桥", 116.456997, 39.961508, "Wikipedia, Sanyuanqiao station"),
    ("国贸", 116.455572, 39.909819, "Wikipedia, Guomao, Beijing (Guomao Bridge)"),
    ("3号航站楼", 116.6157, 40.0542, "Wikipedia, Terminal 3 station (Beijing Subway)"),
    ("2号航站楼", 116.592778, 40.079444, "Wikipedia, Terminal 2 station (Beijing Subway)"),
    ("大兴机场", 116.410556, 39.509167, "Wikipedia, Beijing Daxing International Airport (terminal above the station)"),
    ("十三陵景区", 116.207778, 40.240278, "Wikipedia, Ming Tombs station"),
    ("沙河", 116.288889, 40.148333, "Wikipedia, Shahe station"),
    ("后沙峪", 116.564211, 40.114127, "Wikipedia, Houshayu station"),
    ("西土城", 116.354098, 39.976549, "Wikipedia, Xitucheng station"),
    ("永定门外", 116.399444, 39.8675, "Wikipedia, Yongdingmenwai station"),
    ("郭公庄", 116.301889, 39.814322, "Wikipedia, Guogongzhuang station"),
    ("花庄", 116.689106, 39.855366, "Wikipedia, Huazhuang station"),
    ("苹果园", 116.177388, 39.926727, "Wikipedia, Pingguoyuan station"),
    ("四季青桥", 116.267568, 39.943732, "Wikipedia, Sijiqingqiao station"),
    ("苏州桥", 116.301686, 39.960351, "Wikipedia, Suzhou Qiao station"),
    ("善各庄", 116.478333, 40.027222, "Wikipedia, Shangezhuang station"),
    ("榆树庄", 116.252778, 39.8375, "Wikipedia, Yushuzhuang station"),
    ("天通苑北", 116.406733, 40.082025, "Chinese Wikipedia, 天通苑北站"),
];

/// Readings of place names that differ from the per-character dictionary default.
const PINYIN_PHRASES: [(&str, &str); 9] = [
    ("长椿", "changchun"),
    ("长春", "changchun"),
    ("长阳", "changyang"),
    ("朝阳", "chaoyang"),
    ("什刹海", "shichahai"),
    ("家堡", "jiapu"),
    ("里堡", "lipu"),
    ("石佛", "shifo"),
    ("劲松", "jinsong"),
];

/// English aliases in the data that are not the station's name in English: (station, why).
const IGNORED_ALIASES: [(&str, &str); 3] = [
    ("龙泽西", "the aliases are the planning name 北郊农场桥"),
    ("北运河东", "the alias names the adjacent railway hub"),
    ("屈庄", "the alias is a sponsor's name"),
];

/// Stations whose best alias is not the first usable one.
const PREFERRED_ALIASES: [(&str, &str); 1] = [("2号航站楼", "Beijing Capital Airport Terminal 2")];

/// Names used by the rail layer: no subway station may carry one.
const RAIL_NAMES: [&str; 8] = [
    "Beijing West",
    "Beijing South",
    "Beijing North",
    "Beijing",
    "Beijing East",
    "Qinghe",
    "Beijing Chaoyang",
    "Daxing Airport",
];

/// The Chinese names of the rail stations of `RAIL_NAMES`: a subway station named so gets
/// `(地铁站)` in its Chinese name.
const RAIL_NAMES_ZH: [&str; 8] = [
    "北京西站",
    "北京南站",
    "北京北站",
    "北京站",
    "北京东站",
    "清河站",
    "北京朝阳站",
    "大兴机场站",
];

/// The analysis peak, minutes after midnight (weekday 07:00-09:00).
const PEAK: (i32, i32) = (7 * 60, 9 * 60);
/// Inner bounds of the service periods (first train and last train close the day).
const PERIOD_BOUNDS: [i32; 4] = [7 * 60, 9 * 60, 17 * 60, 19 * 60];
/// Departures before this time of day belong to the previous service day.
const DAY_START: i32 = 4 * 60;
/// Least number of whole-line peak trains needed to calibrate a direction's total.
const MIN_END_TO_END: usize = 5;

const GENERATED: &str = "# Generated by examples/import_beijing_subway.rs from Beijing-Subway-Tools \
(Mick235711, MIT licence); regenerate rather than edit.";

fn main() -> Result<()> {
    let args = Args::parse();
    let data = &args.data;
    let carriages = read_json5(&data.join("carriage_types.json5"))?;
    let mut lines = Vec::new();
    for (file, id) in LINES {
        let path = data.join(file);
        let json = read_json5(&path)?;
        lines.push(
            SubwayLine::parse(id, file, json, &carriages)
                .with_context(|| path.display().to_string())?,
        );
    }
    let stations = Stations::collect(&lines)?;
    let map = read_json5(&data.join("maps/real_distance.json5"))?;
    let fit = fit_map(&map, &stations)?;
    let metadata = read_json5(&data.join("metadata.json5"))?;

    let mut report = String::new();
    let mut built = Vec::new();
    for line in &lines {
        built.push(build_line(line, &mut report).with_context(|| format!("line {}", line.id))?);
    }
    let transfers = transfers(&metadata, &stations)?;

    std::fs::create_dir_all(&args.out).with_context(|| args.out.display().to_string())?;
    let write = |name: &str, text: String| -> Result<()> {
        let path = args.out.join(name);
        std::fs::write(&path, text).with_context(|| path.display().to_string())
    };
    write("nodes.csv", nodes_csv(&stations, &map, &fit)?)?;
    write("lines.csv", lines_csv(&lines))?;
    write("stops.csv", stops_csv(&built, &stations))?;
    write("service.csv", service_csv(&built))?;
    write("transfers.csv", transfers_csv(&transfers, &stations))?;

    println!(
        "{} stations, {} lines, {} stops, {} service periods, {} transfers -> {}",
        stations.list.len(),
        lines.len(),
        built.iter().map(|b| b.stops.len()).sum::<usize>(),
        built.iter().map(|b| b.periods.len()).sum::<usize>(),
        transfers.len(),
        args.out.display()
    );
    println!("\nmap fit, residuals at the anchors (km):");
    for ((name, r), (_, _, _, source)) in fit.residuals.iter().zip(ANCHORS) {
        let english = stations.get(name).map_or("?", |s| s.name.as_str());
        println!("  {r:.3}  {english} ({name}; {source})");
    }
    println!("  rms {:.3} km, max {:.3} km", fit.rms_km, fit.max_km);
    println!("\nrun times (weekday 07:00-09:00):\n{report}");
    Ok(())
}

fn read_json5(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    json5::from_str(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Lines as read from the data

struct Station {
    name: String,
    /// Distance from the previous station of the list (for a loop's first station: from the last).
    dist_m: Option<f64>,
    aliases: Vec<String>,
}

struct Plan {
    name: String,
    starts_with: Option<String>,
    ends_with: Option<String>,
    /// `loop: false` on a loop line: the train ends at the last station of its direction.
    no_loop: bool,
}

struct Dir {
    key: String,
    reversed: bool,
    plans: Vec<Plan>,
    /// `end_circle`: after this station the trains continue as the other direction from its
    /// first station, this many metres away.
    end_circle: Option<(String, f64)>,
}

struct SubwayLine {
    id: &'static str,
    cn_name: String,
    name: String,
    capacity: u32,
    stations: Vec<Station>,
    is_loop: bool,
    dirs: Vec<Dir>,
    /// The date group of an ordinary Wednesday.
    group: String,
    timetable: Value,
}

impl SubwayLine {
    fn parse(id: &'static str, file: &str, json: Value, carriages: &Value) -> Result<Self> {
        let cn_name = text(&json, "name")
            .ok_or_else(|| anyhow!("no name"))?
            .to_owned();
        let aliases = strings(json.get("aliases"));
        let name = match aliases.as_slice() {
            [first, second, ..] if first.starts_with("Line ") && second.ends_with(" Line") => {
                format!("{first} ({})", second.trim_end_matches(" Line"))
            }
            [first, ..] => first.clone(),
            [] => bail!("{file}: no English alias"),
        };
        let count = json
            .get("carriage_num")
            .and_then(Value::as_u64)
            .ok_or_else(|| anyhow!("no carriage_num"))?;
        let kind = text(&json, "carriage_type").ok_or_else(|| anyhow!("no carriage_type"))?;
        let car = carriages
            .get(kind)
            .ok_or_else(|| anyhow!("unknown carriage type {kind}"))?;
        let per_car = car
            .get("capacity")
            .and_then(Value::as_u64)
            .ok_or_else(|| anyhow!("no capacity for {kind}"))?;
        let head = car
            .get("head_capacity")
            .and_then(Value::as_u64)
            .unwrap_or(per_car);
        let capacity = if count >= 2 {
            2 * head + (count - 2) * per_car
        } else {
            count * head
        };
        let stations = json
            .get("stations")
            .and_then(Value::as_array)
            .ok_or_else(|| anyhow!("no stations list"))?
            .iter()
            .map(|s| {
                Ok(Station {
                    name: text(s, "name")
                        .ok_or_else(|| anyhow!("station without name"))?
                        .to_owned(),
                    dist_m: s.get("dist").and_then(Value::as_f64),
                    aliases: strings(s.get("aliases")),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let is_loop = json.get("loop").and_then(Value::as_bool).unwrap_or(false);
        let mut dirs = Vec::new();
        for (key, spec) in json
            .get("train_routes")
            .and_then(Value::as_object)
            .ok_or_else(|| anyhow!("no train_routes"))?
        {
            let plans = spec
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| v.is_object())
                .map(|(name, v)| Plan {
                    name: name.clone(),
                    starts_with: text(v, "starts_with").map(str::to_owned),
                    ends_with: text(v, "ends_with").map(str::to_owned),
                    no_loop: v.get("loop").and_then(Value::as_bool) == Some(false),
                })
                .collect::<Vec<_>>();
            if plans.is_empty() {
                bail!("direction {key} has no train routing");
            }
            let end_circle = if spec.get("end_circle").and_then(Value::as_bool) == Some(true) {
                let start = text(spec, "end_circle_start")
                    .ok_or_else(|| anyhow!("end_circle without start"))?;
                let dist = spec
                    .get("end_circle_split_dist")
                    .and_then(Value::as_f64)
                    .ok_or_else(|| anyhow!("end_circle without split distance"))?;
                Some((start.to_owned(), dist))
            } else {
                None
            };
            dirs.push(Dir {
                key: key.clone(),
                reversed: spec
                    .get("reversed")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                plans,
                end_circle,
            });
        }
        if dirs.len() != 2 {
            bail!("expected two directions, found {}", dirs.len());
        }
        let group = json
            .get("date_groups")
            .and_then(Value::as_object)
            .ok_or_else(|| anyhow!("no date_groups"))?
            .iter()
            .find(|(_, g)| {
                g.get("dates").is_none()
                    && g.get("weekday")
                        .and_then(Value::as_array)
                        .is_none_or(|days| days.iter().any(|d| d.as_u64() == Some(3)))
            })
            .map(|(name, _)| name.clone())
            .ok_or_else(|| anyhow!("no date group covers Wednesdays"))?;
        let timetable = json
            .get("timetable")
            .cloned()
            .ok_or_else(|| anyhow!("no timetable"))?;
        Ok(SubwayLine {
            id,
            cn_name,
            name,
            capacity: u32::try_from(capacity)?,
            stations,
            is_loop,
            dirs,
            group,
            timetable,
        })
    }

    /// Station indices of direction `d` in travel order.
    fn order(&self, d: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.stations.len()).collect();
        if self.dirs[d].reversed {
            v.reverse();
        }
        v
    }

    /// The stops a train of direction `d` makes, as (station, direction whose timetable applies).
    fn path(&self, d: usize) -> Result<Vec<(usize, usize)>> {
        let order = self.order(d);
        let mut path: Vec<(usize, usize)> = order.iter().map(|&s| (s, d)).collect();
        if let Some((start, _)) = &self.dirs[d].end_circle {
            let split = order
                .iter()
                .position(|&s| self.stations[s].name == *start)
                .ok_or_else(|| anyhow!("end_circle station {start} not on the line"))?;
            path.truncate(split + 1);
            let other = 1 - d;
            path.extend(self.order(other).into_iter().map(|s| (s, other)));
        } else if self.is_loop {
            path.push((order[0], d));
        }
        Ok(path)
    }

    /// Distance in km between consecutive stops of a path.
    fn distance_km(&self, a: (usize, usize), b: (usize, usize)) -> Result<f64> {
        let n = self.stations.len();
        let dist = |i: usize| {
            self.stations[i]
                .dist_m
                .ok_or_else(|| anyhow!("no distance to {}", self.stations[i].name))
        };
        let metres = if a.1 != b.1 {
            let (_, split) = self.dirs[a.1]
                .end_circle
                .as_ref()
                .ok_or_else(|| anyhow!("unexpected change of direction"))?;
            *split
        } else if a.0.abs_diff(b.0) == 1 {
            dist(a.0.max(b.0))?
        } else if self.is_loop && a.0.min(b.0) == 0 && a.0.max(b.0) == n - 1 {
            dist(0)?
        } else {
            bail!(
                "{} and {} are not neighbours",
                self.stations[a.0].name,
                self.stations[b.0].name
            );
        };
        Ok(metres / 1000.0)
    }

    /// Weekday departures at a station in a direction, sorted, with each train's routing plan.
    fn departures(&self, station: usize, d: usize) -> Result<Departures> {
        let name = &self.stations[station].name;
        let dir = &self.dirs[d];
        let entry = self
            .timetable
            .get(name)
            .and_then(|s| s.get(&dir.key))
            .and_then(|s| s.get(&self.group))
            .ok_or_else(|| anyhow!("no {} {} timetable at {name}", dir.key, self.group))?;
        let mut times = Vec::new();
        for part in entry
            .get("schedule")
            .and_then(Value::as_array)
            .ok_or_else(|| anyhow!("no schedule at {name}"))?
        {
            if let Some(trains) = part.get("trains") {
                for t in trains.as_array().into_iter().flatten() {
                    times.push(clock(t)?);
                }
            } else {
                let mut t = clock(
                    part.get("first_train")
                        .ok_or_else(|| anyhow!("schedule without first_train at {name}"))?,
                )?;
                times.push(t);
                let mut deltas = Vec::new();
                expand_deltas(part.get("delta").unwrap_or(&Value::Null), &mut deltas)?;
                for d in deltas {
                    t += d;
                    times.push(t);
                }
            }
        }
        times.sort_unstable();
        times.dedup();
        let mut plans = vec![0usize; times.len()];
        for filter in entry
            .get("filters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let plan_name =
                text(filter, "plan").ok_or_else(|| anyhow!("filter without plan at {name}"))?;
            let plan = dir
                .plans
                .iter()
                .position(|p| p.name == plan_name)
                .ok_or_else(|| anyhow!("unknown plan {plan_name} at {name}"))?;
            let selected: Vec<usize> = if let Some(trains) = filter.get("trains") {
                let mut v = Vec::new();
                for t in trains.as_array().into_iter().flatten() {
                    let t = clock(t)?;
                    v.push(times.binary_search(&t).map_err(|_| {
                        anyhow!("filtered train {t} not in the schedule at {name}")
                    })?);
                }
                v
            } else {
                let first = match filter.get("first_train") {
                    Some(t) => clock(t)?,
                    None => times.first().copied().unwrap_or(0),
                };
                let step = filter
                    .get("skip_trains")
                    .and_then(Value::as_u64)
                    .unwrap_or(0) as usize
                    + 1;
                let mut v: Vec<usize> = (0..times.len())
                    .filter(|&i| times[i] >= first)
                    .step_by(step)
                    .collect();
                if let Some(count) = filter.get("count").and_then(Value::as_u64) {
                    v.truncate(count as usize);
                } else if let Some(until) = filter.get("until") {
                    let until = clock(until)?;
                    v.retain(|&i| times[i] <= until);
                }
                v
            };
            for i in selected {
                plans[i] = plan;
            }
        }
        Ok(Departures { times, plans })
    }
}

struct Departures {
    times: Vec<i32>,
    plans: Vec<usize>,
}

/// `HH:MM` as minutes of the service day (times before 04:00 belong to the previous day).
fn clock(v: &Value) -> Result<i32> {
    let s = v
        .as_str()
        .ok_or_else(|| anyhow!("expected a time, got {v}"))?;
    let (h, m) = s.split_once(':').ok_or_else(|| anyhow!("bad time {s}"))?;
    let t = h.trim().parse::<i32>()? * 60 + m.trim().parse::<i32>()?;
    Ok(if t < DAY_START { t + 24 * 60 } else { t })
}

/// Expands the data's delta notation: `n` is one gap, `[k, [..]]` repeats `[..]` k times.
fn expand_deltas(v: &Value, out: &mut Vec<i32>) -> Result<()> {
    for x in v.as_array().into_iter().flatten() {
        if let Some(d) = x.as_i64() {
            out.push(i32::try_from(d)?);
        } else if let Some([times, inner]) = x.as_array().map(Vec::as_slice) {
            let times = times.as_u64().ok_or_else(|| anyhow!("bad repeat {x}"))?;
            let mut one = Vec::new();
            expand_deltas(inner, &mut one)?;
            for _ in 0..times {
                out.extend_from_slice(&one);
            }
        } else {
            bail!("bad delta {x}");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Run times and headways

struct BuiltLine {
    id: &'static str,
    /// (Chinese station name, run minutes from the previous stop, distance km).
    stops: Vec<(String, f64, f64)>,
    /// (start, end, headway minutes).
    periods: Vec<(i32, i32, f64)>,
}

/// One direction's travel pattern: per segment the summarised peak minutes, and the matching.
struct PathTimes {
    path: Vec<(usize, usize)>,
    minutes: Vec<f64>,
}

fn build_line(line: &SubwayLine, report: &mut String) -> Result<BuiltLine> {
    let circle = line.dirs.iter().position(|d| d.end_circle.is_some());
    let forward = match circle {
        Some(d) => d,
        None => line
            .dirs
            .iter()
            .position(|d| !d.reversed)
            .ok_or_else(|| anyhow!("no direction runs in station order"))?,
    };
    let _ = writeln!(report, "  {} {} ({}):", line.id, line.name, line.cn_name);
    let fwd = path_times(line, forward, report)?;
    let rev = if circle.is_none() {
        Some(path_times(line, 1 - forward, report)?)
    } else {
        None
    };
    let rev_minutes: HashMap<(usize, usize), f64> = rev
        .iter()
        .flat_map(|r| {
            r.path
                .windows(2)
                .zip(&r.minutes)
                .map(|(w, &m)| ((w[0].0, w[1].0), m))
        })
        .collect();
    let mut stops = Vec::new();
    let mut total = 0.0;
    for (i, &(station, _)) in fwd.path.iter().enumerate() {
        let name = line.stations[station].name.clone();
        if i == 0 {
            stops.push((name, 0.0, 0.0));
            continue;
        }
        let prev = fwd.path[i - 1];
        let there = fwd.minutes[i - 1];
        let minutes = match (&rev, rev_minutes.get(&(station, prev.0))) {
            (None, _) => there,
            (Some(_), Some(&back)) => (there + back) / 2.0,
            (Some(_), None) => bail!("no reverse run time from {name}"),
        };
        let minutes = round(minutes, 2);
        total += minutes;
        stops.push((name, minutes, line.distance_km(prev, fwd.path[i])?));
    }
    let _ = writeln!(report, "    line run times add up to {total:.2} min");

    let (first, d) = fwd.path[0];
    let deps = line.departures(first, d)?.times;
    let (Some(&t0), Some(&t1)) = (deps.first(), deps.last()) else {
        bail!("no departures at {}", line.stations[first].name);
    };
    let mut bounds = vec![t0 - t0 % 5];
    bounds.extend(
        PERIOD_BOUNDS
            .iter()
            .copied()
            .filter(|&b| b > t0 - t0 % 5 && b <= t1),
    );
    bounds.push(t1 - t1 % 5 + 5);
    let mut periods = Vec::new();
    for w in bounds.windows(2) {
        let count = deps.iter().filter(|&&t| t >= w[0] && t < w[1]).count();
        if count > 0 {
            periods.push((w[0], w[1], round(f64::from(w[1] - w[0]) / count as f64, 2)));
        }
    }
    Ok(BuiltLine {
        id: line.id,
        stops,
        periods,
    })
}

/// Matches trains along direction `d`'s path and summarises the peak segment times.
fn path_times(line: &SubwayLine, d: usize, report: &mut String) -> Result<PathTimes> {
    let path = line.path(d)?;
    let mut deps = Vec::new();
    for &(s, dd) in &path {
        deps.push(line.departures(s, dd)?);
    }
    let mut minutes = Vec::new();
    let mut links: Vec<HashMap<i32, i32>> = Vec::new();
    let mut realigned = Vec::new();
    for (i, w) in path.windows(2).enumerate() {
        let ((a, da), (b, db)) = (w[0], w[1]);
        let (sa, sb) = (&line.stations[a].name, &line.stations[b].name);
        let last_of_dir = line.order(da).last() == Some(&a);
        let plans_a = &line.dirs[da].plans;
        let from: Vec<i32> = deps[i]
            .times
            .iter()
            .zip(&deps[i].plans)
            .filter(|&(_, &p)| {
                plans_a[p].ends_with.as_ref() != Some(sa) && !(plans_a[p].no_loop && last_of_dir)
            })
            .map(|(&t, _)| t)
            .collect();
        let plans_b = &line.dirs[db].plans;
        let to: Vec<i32> = deps[i + 1]
            .times
            .iter()
            .zip(&deps[i + 1].plans)
            .filter(|&(_, &p)| plans_b[p].starts_with.as_ref() != Some(sb))
            .map(|(&t, _)| t)
            .collect();
        let (pairs, by_order) = match_trains(&from, &to);
        if !by_order {
            realigned.push(format!(
                "{sa}>{sb} {}/{} trains, {} matched",
                from.len(),
                to.len(),
                pairs.len()
            ));
        }
        let mut peak: Vec<i32> = pairs
            .iter()
            .filter(|(t, _)| (PEAK.0..PEAK.1).contains(t))
            .map(|(t, u)| u - t)
            .collect();
        if peak.is_empty() {
            peak = pairs.iter().map(|(t, u)| u - t).collect();
            let _ = writeln!(report, "    {sa}>{sb}: no peak train, whole day used");
        }
        if peak.is_empty() {
            bail!("no train matched from {sa} to {sb}");
        }
        minutes.push(grouped_median(&mut peak));
        links.push(pairs.into_iter().collect());
    }
    // End-to-end times of the peak trains that run the whole path.
    let mut whole = Vec::new();
    for &t0 in deps[0]
        .times
        .iter()
        .filter(|t| (PEAK.0..PEAK.1).contains(*t))
    {
        let mut t = t0;
        if links.iter().all(|l| l.get(&t).map(|&u| t = u).is_some()) {
            whole.push(t - t0);
        }
    }
    let raw: f64 = minutes.iter().sum();
    let dir = &line.dirs[d].key;
    if whole.len() >= MIN_END_TO_END {
        let n = whole.len();
        let target = grouped_median(&mut whole);
        let scale = target / raw;
        for m in &mut minutes {
            *m *= scale;
        }
        let _ = writeln!(
            report,
            "    {dir}: segment medians add up to {raw:.2} min, whole-line median {target:.2} min over {n} peak trains (scaled x{scale:.3})"
        );
    } else {
        let _ = writeln!(
            report,
            "    {dir}: segment medians add up to {raw:.2} min ({} whole-line peak trains: not scaled)",
            whole.len()
        );
    }
    for r in realigned {
        let _ = writeln!(report, "      aligned by time, not by order: {r}");
    }
    Ok(PathTimes { path, minutes })
}

/// Pairs departures at one station with the same trains' departures at the next. By order when
/// the counts agree and every travel time is plausible; otherwise by a monotone alignment that
/// keeps the travel time closest to a constant (chosen to fit best), leaving extras unmatched.
fn match_trains(from: &[i32], to: &[i32]) -> (Vec<(i32, i32)>, bool) {
    let plausible = |d: i32| d > 0 && d <= 40;
    if from.len() == to.len() && from.iter().zip(to).all(|(a, b)| plausible(b - a)) {
        return (from.iter().copied().zip(to.iter().copied()).collect(), true);
    }
    let mut best: Option<(f64, Vec<(i32, i32)>)> = None;
    for m in 1..=30 {
        let (cost, pairs) = align(from, to, f64::from(m));
        if best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, pairs));
        }
    }
    let pairs = best.map(|(_, p)| p).unwrap_or_default();
    if pairs.is_empty() {
        return (pairs, false);
    }
    let mut d: Vec<i32> = pairs.iter().map(|(a, b)| b - a).collect();
    d.sort_unstable();
    let typical = f64::from(d[(d.len() - 1) / 2]);
    (align(from, to, typical).1, false)
}

/// Monotone alignment of two departure lists: cost (d - m)^2 per matched train, 4 per unmatched.
fn align(from: &[i32], to: &[i32], m: f64) -> (f64, Vec<(i32, i32)>) {
    const GAP: f64 = 4.0;
    let (n, k) = (from.len(), to.len());
    let w = k + 1;
    let mut cost = vec![f64::INFINITY; (n + 1) * w];
    let mut step = vec![0u8; (n + 1) * w];
    cost[0] = 0.0;
    for i in 0..=n {
        for j in 0..=k {
            let c = cost[i * w + j];
            if !c.is_finite() {
                continue;
            }
            let mut relax = |at: usize, value: f64, how: u8| {
                if value < cost[at] {
                    cost[at] = value;
                    step[at] = how;
                }
            };
            if i < n {
                relax((i + 1) * w + j, c + GAP, 1);
            }
            if j < k {
                relax(i * w + j + 1, c + GAP, 2);
            }
            if i < n && j < k {
                let d = to[j] - from[i];
                if d > 0 && d <= 40 {
                    relax((i + 1) * w + j + 1, c + (f64::from(d) - m).powi(2), 3);
                }
            }
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (n, k);
    while i > 0 || j > 0 {
        match step[i * w + j] {
            3 => {
                pairs.push((from[i - 1], to[j - 1]));
                i -= 1;
                j -= 1;
            }
            1 => i -= 1,
            _ => j -= 1,
        }
    }
    pairs.reverse();
    (cost[n * w + k], pairs)
}

/// The median of whole-minute values, interpolated within the median minute (grouped data).
fn grouped_median(xs: &mut [i32]) -> f64 {
    xs.sort_unstable();
    let n = xs.len();
    let m = xs[(n - 1) / 2];
    let below = xs.iter().filter(|&&x| x < m).count();
    let at = xs.iter().filter(|&&x| x == m).count();
    f64::from(m) - 0.5 + (n as f64 / 2.0 - below as f64) / at as f64
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

// ---------------------------------------------------------------------------------------------
// Stations: ids, names, coordinates

struct StationInfo {
    cn: String,
    id: String,
    name: String,
    /// The Chinese name of `nodes.csv`: `cn`, unless a rail station has that name.
    name_zh: String,
}

struct Stations {
    list: Vec<StationInfo>,
    by_cn: HashMap<String, usize>,
}

impl Stations {
    fn collect(lines: &[SubwayLine]) -> Result<Self> {
        // Stations in order of first appearance, with their aliases and first line.
        let mut order: Vec<(String, &SubwayLine)> = Vec::new();
        let mut aliases: HashMap<String, Vec<String>> = HashMap::new();
        for line in lines {
            for s in &line.stations {
                if !aliases.contains_key(&s.name) {
                    order.push((s.name.clone(), line));
                }
                let list = aliases.entry(s.name.clone()).or_default();
                for a in &s.aliases {
                    if !list.contains(a) {
                        list.push(a.clone());
                    }
                }
            }
        }
        let mut list: Vec<StationInfo> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        for (cn, line) in &order {
            let (base, note) = split_parenthesis(cn);
            let mut id = format!("bj_{}", pinyin_word(base));
            if let Some(note) = note {
                match note.strip_suffix("号线") {
                    Some(n) => id = format!("{id}_l{}", n.to_lowercase()),
                    None => id = format!("{id}_{}", pinyin_word(note)),
                }
            }
            // A pinyin twin of an earlier station (e.g. 关庄 after 管庄) takes its line's id.
            let uses = ids.entry(id.clone()).or_insert(0);
            *uses += 1;
            if *uses > 1 {
                id = format!("{id}_{}", line.id.to_lowercase());
                if ids.contains_key(&id) {
                    bail!("{cn}: no free id");
                }
            }
            let name = english_name(cn, &aliases[cn]);
            if RAIL_NAMES.contains(&name.as_str()) {
                bail!("{cn}: English name {name} is a rail station's");
            }
            let name_zh = if RAIL_NAMES_ZH.contains(&cn.as_str()) {
                format!("{cn}(地铁站)")
            } else {
                cn.clone()
            };
            list.push(StationInfo {
                cn: cn.clone(),
                id,
                name,
                name_zh,
            });
        }
        // Pinyin twins with the same English name are told apart by their first line.
        let mut count: HashMap<String, usize> = HashMap::new();
        for s in &list {
            *count.entry(s.name.clone()).or_insert(0) += 1;
        }
        for (s, (_, line)) in list.iter_mut().zip(&order) {
            if count[&s.name] > 1 {
                let label = line.name.split(" (").next().unwrap_or(&line.name);
                s.name = format!("{} ({label})", s.name);
            }
        }
        let mut seen = HashMap::new();
        let mut seen_zh = HashMap::new();
        for s in &list {
            if let Some(other) = seen.insert(s.name.clone(), s.cn.clone()) {
                bail!("{} and {other} would both be called {}", s.cn, s.name);
            }
            if let Some(other) = seen_zh.insert(s.name_zh.clone(), s.cn.clone()) {
                bail!("{} and {other} would both be called {}", s.cn, s.name_zh);
            }
        }
        let by_cn = list
            .iter()
            .enumerate()
            .map(|(i, s)| (s.cn.clone(), i))
            .collect();
        Ok(Stations { list, by_cn })
    }

    fn get(&self, cn: &str) -> Option<&StationInfo> {
        self.by_cn.get(cn).map(|&i| &self.list[i])
    }

    fn id(&self, cn: &str) -> &str {
        self.get(cn).map_or("?", |s| s.id.as_str())
    }
}

/// `木樨地(1号线)` -> (`木樨地`, Some(`1号线`)).
fn split_parenthesis(cn: &str) -> (&str, Option<&str>) {
    match cn.split_once(['(', '（']) {
        Some((base, rest)) => (base, Some(rest.trim_end_matches([')', '）']))),
        None => (cn, None),
    }
}

/// Toneless pinyin of a Chinese name as one lowercase word (other characters kept, lowercased).
fn pinyin_word(cn: &str) -> String {
    let mut out = String::new();
    let mut rest = cn;
    'outer: while let Some(c) = rest.chars().next() {
        for (phrase, reading) in PINYIN_PHRASES {
            if let Some(after) = rest.strip_prefix(phrase) {
                out.push_str(reading);
                rest = after;
                continue 'outer;
            }
        }
        match c.to_pinyin() {
            Some(p) => out.push_str(&p.plain().replace('ü', "v")),
            None => out.extend(c.to_lowercase()),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The English display name of a station (see the module docs).
fn english_name(cn: &str, aliases: &[String]) -> String {
    if let Some((_, a)) = PREFERRED_ALIASES.iter().find(|(s, _)| *s == cn) {
        return (*a).to_owned();
    }
    if !IGNORED_ALIASES.iter().any(|(s, _)| *s == cn)
        && let Some(a) = aliases
            .iter()
            .find(|a| a.chars().any(char::is_lowercase) && !RAIL_NAMES.contains(&a.as_str()))
    {
        return a.clone();
    }
    let (base, note) = split_parenthesis(cn);
    let (base, railway) = match base.strip_suffix('站') {
        Some(b) => (b, true),
        None => (base, false),
    };
    let mut direction = None;
    let mut place = base;
    if base.chars().count() >= 3 {
        for (c, word) in [
            ('东', "East"),
            ('西', "West"),
            ('南', "South"),
            ('北', "North"),
        ] {
            if let Some(p) = base.strip_suffix(c) {
                direction = Some(word);
                place = p;
            }
        }
    }
    let mut name = title(&pinyin_word(place));
    if let Some(d) = direction {
        name = format!("{name} {d}");
    }
    if railway {
        name.push_str(" Railway Station");
    }
    if let Some(note) = note {
        match note.strip_suffix("号线") {
            Some(n) => name = format!("{name} (Line {n})"),
            None => name = format!("{name} ({})", title(&pinyin_word(note))),
        }
    }
    name
}

fn title(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Local kilometres east and north of this point (equirectangular; fine over Beijing's extent).
const ORIGIN: (f64, f64) = (116.4, 39.9);
const KM_PER_DEG_LAT: f64 = 110.574;

fn km_per_deg_lon() -> f64 {
    111.320 * ORIGIN.1.to_radians().cos()
}

struct Fit {
    /// km east = cx . (px, py, 1), km north = cy . (px, py, 1).
    cx: [f64; 3],
    cy: [f64; 3],
    residuals: Vec<(&'static str, f64)>,
    rms_km: f64,
    max_km: f64,
}

impl Fit {
    fn lon_lat(&self, p: (f64, f64)) -> (f64, f64) {
        let x = self.cx[0] * p.0 + self.cx[1] * p.1 + self.cx[2];
        let y = self.cy[0] * p.0 + self.cy[1] * p.1 + self.cy[2];
        (
            ORIGIN.0 + x / km_per_deg_lon(),
            ORIGIN.1 + y / KM_PER_DEG_LAT,
        )
    }
}

/// The centre of a station's box on the map, in map pixels.
fn map_point(map: &Value, cn: &str) -> Result<(f64, f64)> {
    let c = map
        .get("coordinates")
        .and_then(|c| c.get(cn))
        .ok_or_else(|| anyhow!("{cn} is not on the map"))?;
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
    let (x, y) = (
        num(c, "x").ok_or_else(|| anyhow!("no x for {cn}"))?,
        num(c, "y").ok_or_else(|| anyhow!("no y for {cn}"))?,
    );
    if text(c, "shape_type") == Some("rectangle") {
        let w = num(c, "w").or_else(|| num(map, "width")).unwrap_or(0.0);
        let h = num(c, "h").or_else(|| num(map, "height")).unwrap_or(0.0);
        Ok((x + w / 2.0, y + h / 2.0))
    } else {
        let r = num(c, "r").or_else(|| num(map, "radius")).unwrap_or(0.0);
        Ok((x + r, y + r))
    }
}

/// Least-squares affine fit of the anchors' map points to their positions.
fn fit_map(map: &Value, stations: &Stations) -> Result<Fit> {
    let mut rows = Vec::new();
    for (cn, lon, lat, _) in ANCHORS {
        if stations.get(cn).is_none() {
            bail!("anchor {cn} is not a station");
        }
        let p = map_point(map, cn)?;
        rows.push((
            cn,
            p,
            (
                (lon - ORIGIN.0) * km_per_deg_lon(),
                (lat - ORIGIN.1) * KM_PER_DEG_LAT,
            ),
        ));
    }
    let mut ata = [[0.0; 3]; 3];
    let mut atx = [0.0; 3];
    let mut aty = [0.0; 3];
    for (_, p, e) in &rows {
        let a = [p.0, p.1, 1.0];
        for r in 0..3 {
            for c in 0..3 {
                ata[r][c] += a[r] * a[c];
            }
            atx[r] += a[r] * e.0;
            aty[r] += a[r] * e.1;
        }
    }
    let cx = solve3(ata, atx).ok_or_else(|| anyhow!("anchors do not determine the map fit"))?;
    let cy = solve3(ata, aty).ok_or_else(|| anyhow!("anchors do not determine the map fit"))?;
    let residuals: Vec<(&'static str, f64)> = rows
        .iter()
        .map(|(cn, p, e)| {
            let x = cx[0] * p.0 + cx[1] * p.1 + cx[2];
            let y = cy[0] * p.0 + cy[1] * p.1 + cy[2];
            (*cn, (x - e.0).hypot(y - e.1))
        })
        .collect();
    let rms_km =
        (residuals.iter().map(|(_, r)| r * r).sum::<f64>() / residuals.len() as f64).sqrt();
    let max_km = residuals.iter().map(|(_, r)| *r).fold(0.0, f64::max);
    Ok(Fit {
        cx,
        cy,
        residuals,
        rms_km,
        max_km,
    })
}

/// Solves a 3x3 linear system by Gaussian elimination with partial pivoting.
fn solve3(mut a: [[f64; 3]; 3], mut b: [f64; 3]) -> Option<[f64; 3]> {
    for col in 0..3 {
        let pivot = (col..3).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for r in col + 1..3 {
            let f = a[r][col] / pivot_row[col];
            for (x, p) in a[r].iter_mut().zip(pivot_row).skip(col) {
                *x -= f * p;
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = [0.0; 3];
    for r in (0..3).rev() {
        let s: f64 = (r + 1..3).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

// ---------------------------------------------------------------------------------------------
// Transfers

/// (from station, to station, minutes): `from == to` for a station's internal change.
fn transfers(metadata: &Value, stations: &Stations) -> Result<Vec<(String, String, f64)>> {
    let mut out = Vec::new();
    let known = |cn: &str| -> Result<String> {
        if stations.get(cn).is_none() {
            bail!("transfer station {cn} is on no line");
        }
        Ok(cn.to_owned())
    };
    for (cn, specs) in metadata
        .get("transfers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let specs = specs.as_array().map(Vec::as_slice).unwrap_or_default();
        if let Some(m) = mean_transfer(specs) {
            out.push((known(cn)?, known(cn)?, m));
        }
    }
    for v in metadata
        .get("virtual_transfers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let from = text(v, "from_station")
            .ok_or_else(|| anyhow!("virtual transfer without from_station"))?;
        let to =
            text(v, "to_station").ok_or_else(|| anyhow!("virtual transfer without to_station"))?;
        let specs = v
            .get("times")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(m) = mean_transfer(specs) {
            out.push((known(from)?, known(to)?, m));
        }
    }
    Ok(out)
}

/// Mean minutes over the always-valid entries; an entry whose line pair is listed one way only
/// also stands for the way back.
fn mean_transfer(specs: &[Value]) -> Option<f64> {
    let valid: Vec<(&str, &str, f64)> = specs
        .iter()
        .filter(|s| s.get("apply_time").is_none())
        .filter_map(|s| {
            Some((
                text(s, "from")?,
                text(s, "to")?,
                s.get("minutes")?.as_f64()?,
            ))
        })
        .collect();
    let mut sum = 0.0;
    let mut n = 0usize;
    for &(from, to, m) in &valid {
        let weight = if valid.iter().any(|&(f, t, _)| f == to && t == from) {
            1
        } else {
            2
        };
        sum += m * f64::from(weight);
        n += weight as usize;
    }
    (n > 0).then(|| round(sum / n as f64, 2))
}

// ---------------------------------------------------------------------------------------------
// CSV output

fn csv_row(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n']) || f.starts_with(' ') || f.ends_with(' ') {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                (*f).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// A number with at most `decimals` decimals, without trailing zeros.
fn num(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    if s == "-0" { "0".to_owned() } else { s }
}

fn hhmm(t: i32) -> String {
    format!("{:02}:{:02}", t / 60, t % 60)
}

fn table(header: &[&str], rows: Vec<String>) -> String {
    let mut out = csv_row(header);
    out.push_str(GENERATED);
    out.push('\n');
    rows.into_iter().for_each(|r| out.push_str(&r));
    out
}

fn nodes_csv(stations: &Stations, map: &Value, fit: &Fit) -> Result<String> {
    let mut rows = Vec::new();
    for s in &stations.list {
        let (lon, lat) = fit.lon_lat(map_point(map, &s.cn)?);
        rows.push(csv_row(&[
            &s.id,
            &s.name,
            &s.name_zh,
            "subway_station",
            &num(lon, 5),
            &num(lat, 5),
            "true",
            &s.cn,
        ]));
    }
    Ok(table(
        &[
            "id",
            "name",
            "name_zh",
            "kind",
            "lon",
            "lat",
            "approximate",
            "notes",
        ],
        rows,
    ))
}

/// The fare rule of a line, after `fare_rules.json5`: the Xijiao tram, the Capital Airport Express
/// (25 yuan flat) and the Daxing Airport Express have their own fares; every other line shares the
/// network's distance fare (the systems are defined in `networks/jjj/network.toml`).
fn fare_rule(line_id: &str) -> &'static str {
    match line_id {
        "XJ" => "system:beijing_tram",
        "CAE" => "flat:25",
        "DAE" => "system:daxing_airport_express",
        _ => "system:beijing_subway",
    }
}

fn lines_csv(lines: &[SubwayLine]) -> String {
    let rows = lines
        .iter()
        .map(|l| {
            let oneway = l.dirs.iter().any(|d| d.end_circle.is_some());
            csv_row(&[
                l.id,
                &l.name,
                "subway",
                &l.capacity.to_string(),
                fare_rule(l.id),
                if oneway { "true" } else { "false" },
                &l.cn_name,
            ])
        })
        .collect();
    table(
        &["id", "name", "mode", "capacity", "fare", "oneway", "notes"],
        rows,
    )
}

fn stops_csv(built: &[BuiltLine], stations: &Stations) -> String {
    let mut rows = Vec::new();
    for b in built {
        for (cn, run, km) in &b.stops {
            rows.push(csv_row(&[
                b.id,
                stations.id(cn),
                &num(*run, 2),
                "0",
                &num(*km, 3),
            ]));
        }
    }
    table(
        &["line", "node", "run_min", "dwell_min", "distance_km"],
        rows,
    )
}

fn service_csv(built: &[BuiltLine]) -> String {
    let mut rows = Vec::new();
    for b in built {
        for &(start, end, headway) in &b.periods {
            rows.push(csv_row(&[b.id, &hhmm(start), &hhmm(end), &num(headway, 2)]));
        }
    }
    table(&["line", "start", "end", "headway_min"], rows)
}

fn transfers_csv(transfers: &[(String, String, f64)], stations: &Stations) -> String {
    let rows = transfers
        .iter()
        .map(|(from, to, m)| {
            let note = if from == to {
                from.clone()
            } else {
                format!("{from} - {to}")
            };
            csv_row(&[stations.id(from), stations.id(to), &num(*m, 2), &note])
        })
        .collect();
    table(&["from", "to", "minutes", "notes"], rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_signage() {
        assert_eq!(english_name("国贸", &[]), "Guomao");
        assert_eq!(english_name("天安门西", &[]), "Tiananmen West");
        assert_eq!(
            english_name("北京西站", &[]),
            "Beijing West Railway Station"
        );
        assert_eq!(english_name("木樨地(1号线)", &[]), "Muxidi (Line 1)");
        assert_eq!(english_name("长椿街", &[]), "Changchunjie");
        assert_eq!(english_name("马家堡", &[]), "Majiapu");
        assert_eq!(
            english_name("军事博物馆", &["Military Museum".to_owned()]),
            "Military Museum"
        );
    }

    #[test]
    fn grouped_median_interpolates() {
        assert_eq!(grouped_median(&mut [2, 2, 2]), 2.0);
        assert_eq!(grouped_median(&mut [1, 1, 2, 2]), 1.5);
        assert!((grouped_median(&mut [1, 2, 2, 2]) - 1.5 - 1.0 / 3.0).abs() < 1e-9);
    }
}
