//! Station positions. The data has none, but its map `maps/real_distance.json5` is drawn to
//! scale: an affine transform from map pixels (box centres) to local kilometres around Beijing is
//! fitted by least squares on anchors, stations whose WGS84 position is published
//! ([`BEIJING_ANCHORS`]: railway stations from the shared railway list, station articles on
//! Wikipedia), and applied to every station. The residuals at the anchors go into the report;
//! all positions are marked `approximate`.

use super::json::{Document, Found, problem, text};
use super::stations::Stations;
use serde_json::Value;

/// A station with a published position, used to fit the map.
#[derive(Debug, Clone, Copy)]
pub struct Anchor<'a> {
    /// The station's Chinese name in the data.
    pub station: &'a str,
    /// Longitude, degrees east (WGS84).
    pub lon: f64,
    /// Latitude, degrees north (WGS84).
    pub lat: f64,
    /// Where the position was published.
    pub source: &'a str,
}

const fn anchor<'a>(station: &'a str, lon: f64, lat: f64, source: &'a str) -> Anchor<'a> {
    Anchor {
        station,
        lon,
        lat,
        source,
    }
}

/// The anchors of the Beijing map. Railway stations give the station building; the subway
/// station lies beside or under it. Left out: 丰台站 (Wikipedia's position predates the rebuilt
/// station: 0.96 km off the fit), 西二旗 (Wikipedia's position is from Gaode, in GCJ-02), 北京北站
/// (no subway station of that name; Xizhimen lies beside it).
#[rustfmt::skip]
pub const BEIJING_ANCHORS: [Anchor<'static>; 27] = [
    anchor("北京站", 116.421034, 39.902318, "jjj_railway_stations_listenzcc.csv, 北京站 (WGS84)"),
    anchor("北京南站", 116.372828, 39.863505, "jjj_railway_stations_listenzcc.csv, 北京南站 (WGS84)"),
    anchor("北京西站", 116.315031, 39.893457, "jjj_railway_stations_listenzcc.csv, 北京西站 (WGS84)"),
    anchor("清河站", 116.308941, 40.040358, "jjj_railway_stations_listenzcc.csv, 清河站 (WGS84)"),
    anchor("黄村火车站", 116.326143, 39.720190, "jjj_railway_stations_listenzcc.csv, 黄村站 (WGS84)"),
    anchor("西直门", 116.355, 39.9405, "Wikipedia, Xizhimen station"),
    anchor("天安门东", 116.39611, 39.90639, "Wikipedia, Tian'anmen East station"),
    anchor("东四十条", 116.4339, 39.9313, "Wikipedia, Dongsi Shitiao station"),
    anchor("雍和宫", 116.4171, 39.9493, "Wikipedia, Yonghegong Lama Temple station"),
    anchor("三元桥", 116.456997, 39.961508, "Wikipedia, Sanyuanqiao station"),
    anchor("国贸", 116.455572, 39.909819, "Wikipedia, Guomao, Beijing (Guomao Bridge)"),
    anchor("3号航站楼", 116.6157, 40.0542, "Wikipedia, Terminal 3 station (Beijing Subway)"),
    anchor("2号航站楼", 116.592778, 40.079444, "Wikipedia, Terminal 2 station (Beijing Subway)"),
    anchor("大兴机场", 116.410556, 39.509167, "Wikipedia, Beijing Daxing International Airport (terminal above the station)"),
    anchor("十三陵景区", 116.207778, 40.240278, "Wikipedia, Ming Tombs station"),
    anchor("沙河", 116.288889, 40.148333, "Wikipedia, Shahe station"),
    anchor("后沙峪", 116.564211, 40.114127, "Wikipedia, Houshayu station"),
    anchor("西土城", 116.354098, 39.976549, "Wikipedia, Xitucheng station"),
    anchor("永定门外", 116.399444, 39.8675, "Wikipedia, Yongdingmenwai station"),
    anchor("郭公庄", 116.301889, 39.814322, "Wikipedia, Guogongzhuang station"),
    anchor("花庄", 116.689106, 39.855366, "Wikipedia, Huazhuang station"),
    anchor("苹果园", 116.177388, 39.926727, "Wikipedia, Pingguoyuan station"),
    anchor("四季青桥", 116.267568, 39.943732, "Wikipedia, Sijiqingqiao station"),
    anchor("苏州桥", 116.301686, 39.960351, "Wikipedia, Suzhou Qiao station"),
    anchor("善各庄", 116.478333, 40.027222, "Wikipedia, Shangezhuang station"),
    anchor("榆树庄", 116.252778, 39.8375, "Wikipedia, Yushuzhuang station"),
    anchor("天通苑北", 116.406733, 40.082025, "Chinese Wikipedia, 天通苑北站"),
];

/// Local kilometres east and north of this point (equirectangular; fine over Beijing's extent).
const ORIGIN: (f64, f64) = (116.4, 39.9);
const KM_PER_DEG_LAT: f64 = 110.574;

fn km_per_deg_lon() -> f64 {
    111.320 * ORIGIN.1.to_radians().cos()
}

/// The fitted transform from map pixels to positions, and how well it fits.
pub(super) struct Fit {
    /// km east = cx . (px, py, 1), km north = cy . (px, py, 1).
    cx: [f64; 3],
    cy: [f64; 3],
    /// Distance between fitted and published position per anchor, km, in the anchors' order.
    pub residuals_km: Vec<f64>,
    /// Root mean square of the residuals, km.
    pub rms_km: f64,
    /// The largest residual, km.
    pub max_km: f64,
}

impl Fit {
    /// The position of a map point: (longitude, latitude), degrees.
    pub fn lon_lat(&self, p: (f64, f64)) -> (f64, f64) {
        let (x, y) = self.km(p);
        (
            ORIGIN.0 + x / km_per_deg_lon(),
            ORIGIN.1 + y / KM_PER_DEG_LAT,
        )
    }

    /// Kilometres east and north of [`ORIGIN`] of a map point.
    fn km(&self, p: (f64, f64)) -> (f64, f64) {
        (
            self.cx[0] * p.0 + self.cx[1] * p.1 + self.cx[2],
            self.cy[0] * p.0 + self.cy[1] * p.1 + self.cy[2],
        )
    }
}

/// The centre of a station's box on the map, in map pixels.
pub(super) fn map_point(map: &Document, cn: &str) -> Found<(f64, f64)> {
    let field = format!("coordinates.{cn}");
    let c = map
        .value
        .get("coordinates")
        .and_then(|c| c.get(cn))
        .ok_or_else(|| problem(&map.path, &field, format!("{cn} is not on the map")))?;
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
    let coordinate = |k: &str| {
        num(c, k).ok_or_else(|| problem(&map.path, format!("{field}.{k}"), "not a number"))
    };
    let (x, y) = (coordinate("x")?, coordinate("y")?);
    if text(c, "shape_type") == Some("rectangle") {
        let w = num(c, "w")
            .or_else(|| num(&map.value, "width"))
            .unwrap_or(0.0);
        let h = num(c, "h")
            .or_else(|| num(&map.value, "height"))
            .unwrap_or(0.0);
        Ok((x + w / 2.0, y + h / 2.0))
    } else {
        let r = num(c, "r")
            .or_else(|| num(&map.value, "radius"))
            .unwrap_or(0.0);
        Ok((x + r, y + r))
    }
}

/// Least-squares affine fit of the anchors' map points to their positions.
pub(super) fn fit_map(map: &Document, stations: &Stations, anchors: &[Anchor]) -> Found<Fit> {
    let mut rows = Vec::new();
    for a in anchors {
        if stations.get(a.station).is_none() {
            return Err(problem(
                &map.path,
                format!("coordinates.{}", a.station),
                format!(
                    "{} (an anchor of the map fit, at {}, {}) is a station of no line",
                    a.station, a.lon, a.lat
                ),
            ));
        }
        let p = map_point(map, a.station)?;
        rows.push((
            p,
            (
                (a.lon - ORIGIN.0) * km_per_deg_lon(),
                (a.lat - ORIGIN.1) * KM_PER_DEG_LAT,
            ),
        ));
    }
    let mut ata = [[0.0; 3]; 3];
    let mut atx = [0.0; 3];
    let mut aty = [0.0; 3];
    for (p, e) in &rows {
        let a = [p.0, p.1, 1.0];
        for r in 0..3 {
            for c in 0..3 {
                ata[r][c] += a[r] * a[c];
            }
            atx[r] += a[r] * e.0;
            aty[r] += a[r] * e.1;
        }
    }
    let undetermined = || {
        problem(
            &map.path,
            "coordinates",
            format!(
                "the {} anchors do not determine the map fit (at least three, not in a line)",
                anchors.len()
            ),
        )
    };
    let cx = solve3(ata, atx).ok_or_else(undetermined)?;
    let cy = solve3(ata, aty).ok_or_else(undetermined)?;
    let mut fit = Fit {
        cx,
        cy,
        residuals_km: Vec::new(),
        rms_km: 0.0,
        max_km: 0.0,
    };
    fit.residuals_km = rows
        .iter()
        .map(|(p, e)| {
            let (x, y) = fit.km(*p);
            (x - e.0).hypot(y - e.1)
        })
        .collect();
    let n = fit.residuals_km.len() as f64;
    fit.rms_km = (fit.residuals_km.iter().map(|r| r * r).sum::<f64>() / n).sqrt();
    fit.max_km = fit.residuals_km.iter().copied().fold(0.0, f64::max);
    Ok(fit)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_system() {
        let x = solve3(
            [[2.0, 0.0, 0.0], [0.0, 0.0, 3.0], [1.0, 1.0, 0.0]],
            [2.0, 9.0, 3.0],
        );
        assert_eq!(x, Some([1.0, 2.0, 3.0]));
        assert_eq!(solve3([[1.0, 1.0, 0.0]; 3], [1.0; 3]), None);
    }
}
