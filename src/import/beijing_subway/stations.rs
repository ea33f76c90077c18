//! Stations: one per Chinese station name, shared by every line serving it, with our id, an
//! English name and the Chinese name the network shows.
//!
//! - The id is `bj_` + toneless pinyin of the Chinese name ([`PINYIN_PHRASES`] correct place
//!   names whose readings differ from the dictionary default, e.g. 长椿街 Changchunjie, 马家堡
//!   Majiapu, 什刹海 Shichahai); the names that exist once per line, `木樨地(1号线)` and
//!   `大钟寺(12号线)`, get `_l1` / `_l12` style suffixes, and a later station spelt like an earlier
//!   one (关庄 after 管庄) its first line's id (`bj_guanzhuang_l15`).
//! - The English name is the station's English alias in the data where it has one (e.g. Military
//!   Museum; aliases that are not translations are skipped, [`IGNORED_ALIASES`]), else
//!   signage-style pinyin: the place name as one word, a trailing direction character translated
//!   (天安门西 Tiananmen West), a final 站 as "Railway Station", `(N号线)` as "(Line N)". Stations
//!   whose names would still coincide get their first line in parentheses (Guanzhuang (Line 15)).
//!   No English name may be one of the rail layer's station names ([`RAIL_NAMES`]).
//! - The Chinese name is the data's, except that the stations named after a railway station of
//!   the rail layer ([`RAIL_NAMES_ZH`]: 北京西站, 清河站, ...) add `(地铁站)`, as map services
//!   label subway stations, so that `--from 北京西站` means the railway station, as
//!   `--from "Beijing West"` does.

use super::json::{Found, problem};
use super::line_file::SubwayLine;
use pinyin::ToPinyin;
use std::collections::HashMap;

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

/// The Chinese names of the rail stations of [`RAIL_NAMES`]: a subway station named so gets
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

/// A station of the network.
pub(super) struct Station {
    /// The data's Chinese name, which identifies it.
    pub cn: String,
    /// Our node id.
    pub id: String,
    /// The English name.
    pub name: String,
    /// The Chinese name of `nodes.csv`: `cn`, unless a rail station has that name.
    pub name_zh: String,
}

/// Every station, in order of first appearance along the lines.
pub(super) struct Stations {
    pub list: Vec<Station>,
    by_cn: HashMap<String, usize>,
}

impl Stations {
    /// The stations of `lines`, named as the module docs say.
    pub fn collect(lines: &[SubwayLine]) -> Found<Self> {
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
        let mut list: Vec<Station> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        for (cn, line) in &order {
            let fail = |message: String| problem(&line.path, "stations", message);
            let mut id = base_id(cn);
            // A pinyin twin of an earlier station (e.g. 关庄 after 管庄) takes its line's id.
            let uses = ids.entry(id.clone()).or_insert(0);
            *uses += 1;
            if *uses > 1 {
                id = format!("{id}_{}", line.id.to_lowercase());
                if ids.contains_key(&id) {
                    return Err(fail(format!("{cn}: no free id ({id} is taken)")));
                }
            }
            let name = english_name(cn, &aliases[cn]);
            if RAIL_NAMES.contains(&name.as_str()) {
                return Err(fail(format!(
                    "{cn}: the English name {name} is a rail station's"
                )));
            }
            let name_zh = if RAIL_NAMES_ZH.contains(&cn.as_str()) {
                format!("{cn}(地铁站)")
            } else {
                cn.clone()
            };
            list.push(Station {
                cn: cn.clone(),
                id,
                name,
                name_zh,
            });
        }
        tell_twins_apart(&mut list, &order);
        check_unique_names(&list, &order)?;
        let by_cn = list
            .iter()
            .enumerate()
            .map(|(i, s)| (s.cn.clone(), i))
            .collect();
        Ok(Stations { list, by_cn })
    }

    /// The station with this Chinese name.
    pub fn get(&self, cn: &str) -> Option<&Station> {
        self.by_cn.get(cn).map(|&i| &self.list[i])
    }

    /// The id of the station with this Chinese name (every station of a line has one).
    pub fn id(&self, cn: &str) -> &str {
        self.get(cn).map_or("?", |s| s.id.as_str())
    }
}

/// `bj_` + the pinyin of the name, with a suffix for a name in parentheses: `_l1` for `(1号线)`.
fn base_id(cn: &str) -> String {
    let (base, note) = split_parenthesis(cn);
    let id = format!("bj_{}", pinyin_word(base));
    match note {
        Some(note) => match note.strip_suffix("号线") {
            Some(n) => format!("{id}_l{}", n.to_lowercase()),
            None => format!("{id}_{}", pinyin_word(note)),
        },
        None => id,
    }
}

/// Pinyin twins with the same English name get their first line's name in parentheses.
fn tell_twins_apart(list: &mut [Station], order: &[(String, &SubwayLine)]) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for s in list.iter() {
        *count.entry(s.name.clone()).or_insert(0) += 1;
    }
    for (s, (_, line)) in list.iter_mut().zip(order) {
        if count[&s.name] > 1 {
            let label = line.name.split(" (").next().unwrap_or(&line.name);
            s.name = format!("{} ({label})", s.name);
        }
    }
}

/// Checks that no two stations share an English or a Chinese name (`order`: each station's
/// first line, to name its file).
fn check_unique_names(list: &[Station], order: &[(String, &SubwayLine)]) -> Found<()> {
    let mut seen = HashMap::new();
    let mut seen_zh = HashMap::new();
    for (s, (_, line)) in list.iter().zip(order) {
        for (names, name) in [(&mut seen, &s.name), (&mut seen_zh, &s.name_zh)] {
            if let Some(other) = names.insert(name.clone(), s.cn.clone()) {
                return Err(problem(
                    &line.path,
                    "stations",
                    format!("{} and {other} would both be called {name}", s.cn),
                ));
            }
        }
    }
    Ok(())
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

/// The word with its first letter in upper case.
fn title(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
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
    fn ids_are_pinyin_with_line_suffixes() {
        assert_eq!(base_id("国贸"), "bj_guomao");
        assert_eq!(base_id("木樨地(1号线)"), "bj_muxidi_l1");
        assert_eq!(base_id("什刹海"), "bj_shichahai");
    }
}
