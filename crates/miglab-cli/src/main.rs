//! `miglab`: the command line for instructors and scripts.

fn main() {
    println!("miglab");
}
