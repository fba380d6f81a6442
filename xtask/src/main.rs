//! Project automation: `cargo xtask serve`, `cargo xtask test`, `cargo xtask bench`.

fn main() {
    println!("xtask");
}
