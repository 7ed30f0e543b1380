//! Gives the binary a build id: a hash of the sources it was compiled from (`src/`, `patches/`,
//! `Cargo.lock`), so the build cache never serves an artifact made by other code under the same
//! version number.

use std::hash::{DefaultHasher, Hasher};
use std::path::Path;

fn main() {
    let mut hasher = DefaultHasher::new();
    for dir in ["src", "patches"] {
        hash_tree(Path::new(dir), &mut hasher);
        println!("cargo:rerun-if-changed={dir}");
    }
    for file in ["Cargo.lock", "Cargo.toml"] {
        hasher.write(file.as_bytes());
        hasher.write(&std::fs::read(file).unwrap_or_default());
        println!("cargo:rerun-if-changed={file}");
    }
    println!("cargo:rustc-env=SPOTLIGHT_BUILD_ID={:016x}", hasher.finish());
}

fn hash_tree(dir: &Path, hasher: &mut DefaultHasher) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            hash_tree(&path, hasher);
        } else {
            hasher.write(path.to_string_lossy().as_bytes());
            hasher.write(&std::fs::read(&path).unwrap_or_default());
        }
    }
}
