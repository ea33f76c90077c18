//! The crate's layers point one way: a module of `src/` may use only the modules below it in the
//! list of layers in ARCHITECTURE.md ("## Layers"), never one above it, and no two modules use
//! each other. The list is read from ARCHITECTURE.md itself, so the map and the code cannot drift
//! apart: adding a module means placing it there.
//!
//! A use is any `crate::name` path in the code of a module's files (comments are left out,
//! unit tests count: a low layer's test that needs a high one belongs in `tests/`). `cli/` and
//! `main.rs` are the binary, above everything, and are not checked. Within a module, its files
//! may not use each other in a circle either.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first, from the first code block under "## Layers" in ARCHITECTURE.md:
/// one module a line, highest first, its name the line's first word.
fn declared_layers() -> Vec<String> {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md at the crate root");
    let section = text
        .split("\n## Layers")
        .nth(1)
        .expect("ARCHITECTURE.md has a `## Layers` section");
    let block = section
        .split("```")
        .nth(1)
        .expect("the Layers section has a code block");
    let mut layers: Vec<String> = block
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    layers.reverse();
    layers
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without `//` comments (doc comments included) and without string literals'
/// contents, so that neither a comment nor a message mentioning `crate::x` counts as a use.
fn code_only(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let bytes: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                    out.push('"');
                }
            } else if c == '"' {
                in_string = true;
                out.push('"');
            } else if c == '/' && bytes.get(i + 1) == Some(&'/') {
                break;
            } else {
                out.push(c);
            }
            i += 1;
        }
        out.push('\n');
    }
    out
}

/// The top-level modules named by the `crate::` paths in `code`, including the groups of
/// `use crate::{a::x, b}`.
fn crate_uses(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        // `commute::crate::` does not exist; skip paths like `foo_crate::` (a longer identifier).
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The top-level items of the brace group.
            let mut depth = 0;
            let mut item_start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        used.insert(ident(&group[item_start..i]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        used.insert(ident(&group[item_start..i]));
                        item_start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            used.insert(ident(rest));
        }
    }
    used.remove("");
    used
}

/// The top-level module a file of `src/` belongs to (`src/io/table.rs` -> `io`).
fn module_of(src: &Path, file: &Path) -> String {
    let first = file.strip_prefix(src).unwrap().components().next().unwrap();
    let name = first.as_os_str().to_str().unwrap();
    name.trim_end_matches(".rs").to_owned()
}

#[test]
fn every_module_uses_only_layers_below_it() {
    let layers = declared_layers();
    let rank: BTreeMap<&str, usize> = layers
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    assert_eq!(rank.len(), layers.len(), "a layer listed twice: {layers:?}");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut modules = BTreeSet::new();
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        if matches!(module.as_str(), "lib" | "main" | "cli") {
            continue;
        }
        modules.insert(module.clone());
        let Some(&own) = rank.get(module.as_str()) else {
            wrong.push(format!(
                "{}: module `{module}` is not in ARCHITECTURE.md's layers",
                file.display()
            ));
            continue;
        };
        let code = code_only(&fs::read_to_string(file).unwrap());
        for used in crate_uses(&code) {
            match rank.get(used.as_str()) {
                Some(&other) if other > own => wrong.push(format!(
                    "{}: `{module}` uses `{used}`, a layer above it",
                    file.display()
                )),
                // Re-exports at the crate root (`crate::Error`) and the module itself are fine.
                _ => {}
            }
        }
    }
    for layer in layers.iter().filter(|l| !modules.contains(*l)) {
        wrong.push(format!(
            "ARCHITECTURE.md lists `{layer}`, which is not a module of src/"
        ));
    }
    assert!(
        wrong.is_empty(),
        "{} problem(s) with the layers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The files of one module (`src/io/table.rs` is `io`'s part `table`; `src/routing/ch/query.rs`
/// is part of `routing`'s `ch`) use each other without a circle: within a module, too, one part
/// is read before the other. A use is a `crate::module::part` path, or `super::part` in a file
/// directly in the module's folder (outside its unit tests, where `super` is the file itself).
#[test]
fn the_parts_of_a_module_do_not_use_each_other_in_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    // module -> part -> parts it uses
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let parts: Vec<&str> = relative.iter().map(|c| c.to_str().unwrap()).collect();
        if parts.len() < 2 || parts[0] == "cli" {
            continue;
        }
        let module = parts[0].to_owned();
        let part = parts[1].trim_end_matches(".rs").to_owned();
        if part == "mod" {
            continue;
        }
        let source = fs::read_to_string(file).unwrap();
        let code = code_only(source.split("#[cfg(test)]").next().unwrap());
        let mut used = BTreeSet::new();
        for (at, _) in code.match_indices(&format!("crate::{module}::")) {
            used.extend(crate_uses(&format!(
                "crate::{}",
                &code[at + 9 + module.len()..]
            )));
        }
        if parts.len() == 2 {
            for (at, _) in code.match_indices("super::") {
                let before = code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                used.extend(crate_uses(&format!("crate::{}", &code[at + 7..])));
            }
        }
        used.remove(&part);
        graph
            .entry(module)
            .or_default()
            .entry(part)
            .or_default()
            .extend(used);
    }
    let mut circles = Vec::new();
    for (module, parts) in &graph {
        // Depth-first search for a back edge, parts in name order.
        fn visit<'a>(
            part: &'a str,
            parts: &'a BTreeMap<String, BTreeSet<String>>,
            path: &mut Vec<&'a str>,
            done: &mut BTreeSet<&'a str>,
            circles: &mut Vec<String>,
        ) {
            if let Some(at) = path.iter().position(|p| *p == part) {
                circles.push(format!("{} -> {part}", path[at..].join(" -> ")));
                return;
            }
            if !done.insert(part) {
                return;
            }
            path.push(part);
            for next in parts.get(part).into_iter().flatten() {
                if parts.contains_key(next.as_str()) {
                    visit(next, parts, path, done, circles);
                }
            }
            path.pop();
        }
        let mut done = BTreeSet::new();
        for part in parts.keys() {
            let mut found = Vec::new();
            visit(part, parts, &mut Vec::new(), &mut done, &mut found);
            circles.extend(found.into_iter().map(|c| format!("{module}: {c}")));
        }
    }
    assert!(
        circles.is_empty(),
        "parts of a module using each other in a circle:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_scanner_sees_grouped_and_plain_paths_but_not_comments_or_strings() {
    let code = code_only(
        "use crate::{io::table::{Table, Cell}, network::Network, time};\n\
         let x = crate::sim::rng::stream(1);\n\
         // crate::report::page\n\
         let s = \"crate::compare\";\n\
         use my_crate::thing;\n",
    );
    let used: Vec<String> = crate_uses(&code).into_iter().collect();
    assert_eq!(used, ["io", "network", "sim", "time"]);
}
