//! The module structure the crate's folders promise: no import cycle between any two modules,
//! and the layers point one way (see the crate documentation in `src/lib.rs`).
//!
//! The import graph is read from the source text: every `crate::` and `super::` path, in `use`
//! declarations (braces expanded) and inline, resolved to the deepest module it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path below the crate root, e.g. `["api", "lookup", "find"]`.
type Module = Vec<String>;

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every module of the library with its source text. `main.rs` is the binary, not a module.
fn modules() -> BTreeMap<Module, String> {
    let mut found = BTreeMap::new();
    let mut pending = vec![source_dir()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("the source folder is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let relative = path.strip_prefix(source_dir()).expect("below src");
            let mut module: Module = relative
                .with_extension("")
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            match module.last().map(String::as_str) {
                Some("main") if module.len() == 1 => continue,
                Some("lib") if module.len() == 1 => module.clear(),
                Some("mod") => {
                    module.pop();
                }
                _ => {}
            }
            let text = std::fs::read_to_string(&path).expect("a source file is readable");
            found.insert(module, text);
        }
    }
    found
}

/// The text without comments (line comments and doc comments), so that a path mentioned in
/// prose is not an import, and without the unit tests at the end of the file (their `super` is
/// the file's own module, and what tests import is not the architecture).
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Expands `a::{b, c::{d, e}}` into `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_owned()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (at, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .flat_map(expand)
        .map(|path| {
            if path == "self" {
                prefix.trim_end_matches("::").to_owned()
            } else {
                format!("{prefix}{path}")
            }
        })
        .collect()
}

/// Every `crate::`/`super::` path the code names, as written, and every path through one of
/// `children` (the module's own submodules, named without a prefix), made absolute.
fn paths_in(code: &str, children: &[(String, String)]) -> Vec<String> {
    let mut paths = Vec::new();
    // `use` declarations, braces and all.
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before_ok = at == 0
            || !rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = &rest[at + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if before_ok {
            let tree: String = after[..end].split_whitespace().collect();
            if tree.starts_with("crate::") || tree.starts_with("super::") {
                paths.extend(expand(&tree));
            } else if let Some((_, absolute)) = children
                .iter()
                .find(|(child, _)| tree.starts_with(&format!("{child}::")))
            {
                let rest = &tree[tree.find("::").unwrap_or(0)..];
                paths.extend(expand(&format!("{absolute}{rest}")));
            }
        }
        rest = &after[end.min(after.len())..];
    }
    // Inline paths: `crate::a::b` anywhere.
    for start in ["crate::", "super::"] {
        let mut rest = code;
        while let Some(at) = rest.find(start) {
            let tail = &rest[at..];
            let len = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            paths.push(tail[..len].trim_end_matches(':').to_owned());
            rest = &tail[start.len()..];
        }
    }
    // Inline paths through a child: `child::item`, not preceded by `::` or an identifier.
    for (child, absolute) in children {
        let pattern = format!("{child}::");
        let mut rest = code;
        while let Some(at) = rest.find(&pattern) {
            let before = &rest[..at];
            let standalone = !before.ends_with("::")
                && !before
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
            if standalone {
                paths.push(absolute.clone());
            }
            rest = &rest[at + pattern.len()..];
        }
    }
    // `crate` alone (the start of `use crate::{...}`) names nothing.
    paths.retain(|path| path != "crate" && path != "super");
    paths
}

/// The submodules of `module`, each with its absolute path.
fn children_of(module: &Module, known: &BTreeSet<Module>) -> Vec<(String, String)> {
    known
        .iter()
        .filter(|other| other.len() == module.len() + 1 && other.starts_with(module))
        .map(|child| {
            let absolute = format!("crate::{}", child.join("::"));
            (child[module.len()].clone(), absolute)
        })
        .collect()
}

/// The deepest known module a path names, from the module it is written in.
fn resolve(from: &Module, path: &str, known: &BTreeSet<Module>) -> Option<Module> {
    let mut segments = path.split("::").filter(|s| !s.is_empty());
    let mut target: Module = match segments.next()? {
        "crate" => Vec::new(),
        "super" => {
            let mut parent = from.clone();
            parent.pop()?;
            parent
        }
        _ => return None,
    };
    for segment in segments {
        if segment == "super" {
            target.pop()?;
            continue;
        }
        let mut deeper = target.clone();
        deeper.push(segment.to_owned());
        if known.contains(&deeper) {
            target = deeper;
        } else {
            break;
        }
    }
    Some(target)
}

/// Who imports whom, between distinct modules.
fn imports() -> BTreeMap<Module, BTreeSet<Module>> {
    let modules = modules();
    let known: BTreeSet<Module> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(module, text)| {
            let targets = paths_in(&code_of(text), &children_of(module, &known))
                .iter()
                .filter_map(|path| resolve(module, path, &known))
                // A module may use its own items, and a child those of its ancestors' `mod`
                // declarations only through the ancestor's path, which is an edge like any other.
                .filter(|target| target != module)
                .collect();
            (module.clone(), targets)
        })
        .collect()
}

fn name(module: &Module) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// A cycle in `graph`, if there is one, as the modules along it.
fn find_cycle(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn visit(
        node: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        state: &mut BTreeMap<Module, u8>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|m| m == next).unwrap_or(0);
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(cycle) = visit(node, graph, &mut state, &mut stack) {
                return Some(cycle);
            }
        }
    }
    None
}

/// The crate root only declares modules and re-exports: it is left out of the graph, as a
/// `mod` declaration is not a dependency.
fn without_root(
    mut graph: BTreeMap<Module, BTreeSet<Module>>,
) -> BTreeMap<Module, BTreeSet<Module>> {
    graph.remove(&Vec::new());
    graph
}

#[test]
fn no_module_imports_itself_through_others() {
    let graph = without_root(imports());
    assert!(
        graph.len() > 30,
        "the source files were found: {}",
        graph.len()
    );
    if let Some(cycle) = find_cycle(&graph) {
        let names: Vec<String> = cycle.iter().map(name).collect();
        panic!("import cycle: {}", names.join(" → "));
    }
}

/// The layers, lowest first; a module may import only from its own layer's folder or a lower
/// layer. Folders in one layer do not import each other unless listed in order here.
const LAYERS: &[&[&str]] = &[
    &["config"],
    &["domain", "http"],
    &["scenario"],
    &["fixtures", "gateway"],
    &["observe"],
    &["proxy"],
    &["state"],
    &["api"],
    &["server"],
    &["cli", "internals"],
];

fn layer_of(module: &Module) -> usize {
    let top = module.first().map(String::as_str).unwrap_or("");
    LAYERS
        .iter()
        .position(|layer| layer.contains(&top))
        .unwrap_or_else(|| panic!("module {} is in no layer", name(module)))
}

#[test]
fn layers_point_one_way() {
    let graph = without_root(imports());
    let mut wrong = Vec::new();
    for (module, targets) in &graph {
        for target in targets {
            let same_folder = module.first() == target.first();
            if !same_folder && (target.is_empty() || layer_of(target) >= layer_of(module)) {
                wrong.push(format!("{} → {}", name(module), name(target)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up or sideways: {wrong:#?}"
    );
}

#[test]
fn the_checker_sees_a_cycle_and_an_import_in_braces() {
    let known: BTreeSet<Module> = [vec!["a".to_owned()], vec!["b".to_owned()]].into();
    let paths = paths_in("use crate::{a::X, b};\nfn f() { crate::b::g(); }", &[]);
    let from = vec!["c".to_owned()];
    let resolved: BTreeSet<Module> = paths
        .iter()
        .filter_map(|path| resolve(&from, path, &known))
        .collect();
    assert_eq!(resolved, known);
    let a = vec!["a".to_owned()];
    let b = vec!["b".to_owned()];
    let graph = BTreeMap::from([
        (a.clone(), BTreeSet::from([b.clone()])),
        (b.clone(), BTreeSet::from([a.clone()])),
    ]);
    assert!(find_cycle(&graph).is_some());
    let graph = BTreeMap::from([(a, BTreeSet::from([b.clone()])), (b, BTreeSet::new())]);
    assert!(find_cycle(&graph).is_none());
}
