//! The `pmth` command.

fn main() {
    println!("pmth {}", pmth_compiler::VERSION);
}
