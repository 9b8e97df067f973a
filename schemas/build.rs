//! Lists the schema files of this folder for the crate: every `*.schema.json` is embedded and
//! gets a `SchemaName` constant, so adding a schema is adding a file.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rerun-if-changed={dir}");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .expect("the crate folder is readable")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".schema.json"))
        .collect();
    files.sort();

    let mut out = String::from(
        "/// Every schema file, in file-name order: (short name, file name, text).\n\
         pub(crate) const FILES: &[(&str, &str, &str)] = &[\n",
    );
    for file in &files {
        let name = file.trim_end_matches(".schema.json");
        let path = Path::new(&dir).join(file);
        writeln!(
            out,
            "    ({name:?}, {file:?}, include_str!({:?})),",
            path.display()
        )
        .expect("writing to a String");
    }
    out.push_str("];\n\nimpl SchemaName {\n");
    for (index, file) in files.iter().enumerate() {
        let name = file.trim_end_matches(".schema.json");
        let constant = name.to_ascii_uppercase().replace('-', "_");
        writeln!(
            out,
            "    /// `schemas/{file}`.\n    pub const {constant}: SchemaName = SchemaName({index});"
        )
        .expect("writing to a String");
    }
    out.push_str("}\n");
    let target = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("files.rs");
    fs::write(target, out).expect("OUT_DIR is writable");
}
