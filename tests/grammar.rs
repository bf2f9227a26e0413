use rimlig::source::{SourceFile, Sources};
use rimlig::syntax::parse_file;

fn run(c: String) -> usize {
    let mut s = Sources::default();
    let id = s.add(SourceFile::new("t.rules", c));
    let (_f, p) = parse_file(id, s.get(id));
    p.len()
}

#[test]
fn scratch() {
    let n: usize = std::env::var("N").unwrap().parse().unwrap();
    let st: usize = std::env::var("ST").unwrap().parse().unwrap();
    let h = std::thread::Builder::new()
        .stack_size(st)
        .spawn(move || {
            run(format!(
                "rule r {{ each t: {}a{} == 1 }}",
                "(".repeat(n),
                ")".repeat(n)
            ))
        })
        .unwrap();
    println!("problems {}", h.join().unwrap());
}
