//! OpenStreetMap extracts (`.osm.pbf`), read with the `osmpbf` crate: the ways tagged `highway`
//! with their tags and node references, and the positions of the nodes. Everything else
//! (buildings, relations, node tags) is skipped while reading, so memory follows the road
//! network, not the extract.

use crate::error::{Error, Problem, Result};
use osmpbf::{Element, ElementReader};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A way tagged `highway`, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmWay {
    /// The OSM way id.
    pub id: i64,
    /// Its node ids, in order.
    pub nodes: Vec<i64>,
    /// Its tags.
    pub tags: HashMap<String, String>,
}

/// The road part of an extract.
#[derive(Debug, Clone, Default)]
pub struct OsmExtract {
    /// The file.
    pub path: PathBuf,
    /// Every node's `(lon, lat)`, degrees.
    pub nodes: HashMap<i64, (f64, f64)>,
    /// The ways tagged `highway`, in file order.
    pub ways: Vec<OsmWay>,
    /// Ways in the file, of any kind.
    pub all_ways: usize,
}

/// Reads the extract at `path`.
pub fn read_osm(path: &Path) -> Result<OsmExtract> {
    if !path.is_file() {
        return Err(Error::Read {
            path: path.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    }
    let bad = |e: osmpbf::Error| {
        Error::Invalid(vec![Problem::file(
            path,
            format!("cannot be read as an OpenStreetMap PBF extract: {e}"),
        )])
    };
    let reader = ElementReader::from_path(path).map_err(bad)?;
    let mut extract = OsmExtract {
        path: path.to_path_buf(),
        ..OsmExtract::default()
    };
    reader
        .for_each(|element| match element {
            Element::Node(n) => {
                extract.nodes.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::DenseNode(n) => {
                extract.nodes.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::Way(w) => {
                extract.all_ways += 1;
                if w.tags().any(|(k, _)| k == "highway") {
                    extract.ways.push(OsmWay {
                        id: w.id(),
                        nodes: w.refs().collect(),
                        tags: w
                            .tags()
                            .map(|(k, v)| (k.to_owned(), v.to_owned()))
                            .collect(),
                    });
                }
            }
            Element::Relation(_) => {}
        })
        .map_err(bad)?;
    Ok(extract)
}
