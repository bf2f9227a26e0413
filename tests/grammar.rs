use rimlig::source::{SourceFile, Sources};
use rimlig::syntax::parse_file;

#[test]
fn scratch() {
    let cases = [
        "rule r { each drift avvikelse == 1 }",
        "rule r { in drift sum(x) == 1 }",
        "rule r \"t\" { }",
        "table t \"x\" { column a }",
        "table t \"x\" { kolumn a \"b\" }",
        "rule r { severity fatal each t: a == 1 }",
        "rule r { each t: a == }",
        "rule r { each t: (a == 1 }",
        "rule r { for c in [a b]: sum(c) == 1 }",
        "rule r { if a == 1 a == 2 }",
        "rule r { each t: a = b }",
        "table key \"x\" { }",
        "rule r { each t: column == 1 }",
        "rule r { each t: a == total }",
        "rule total { each t: a == 1 }",
        "rule r { each t: a == 1 within }",
        "rule r { each t: a == 1 within 5 tk }",
        "rule r \"title { each t: a == 1 }",
        "regel r { }",
        "rule r { each t: a == 1",
        "let = 5",
        "let x 5",
        "use tabeller.rules",
        "rule r { each t: 2019 == 1 }",
        "rule r { in t: t.2019 == 1 }",
        "rule r { each t: a == 1 within 5 %% }",
        "rule r { each t: a is b }",
        "rule r { each t: a matches b }",
        "rule r { each t: a =< b }",
        "rule r { each t: a => b }",
        "rule r { each t: a == b and }",
        "rule r { for c in []: a == 1 }",
        "rule r { each t: sum(a,) == 1 }",
        "rule r { each t: a[\"x\"] == 1 }",
    ];
    for c in cases {
        let mut s = Sources::default();
        let id = s.add(SourceFile::new("t.rules", c));
        let (f, p) = parse_file(id, s.get(id));
        println!("{c}\n  items={} ", f.items.len());
        for p in p {
            let l = p.labels.first().map(|l| (s.get(id).line_col(l.span.start), l.text.clone(), &c[l.span.start..l.span.end]));
            println!("  [{}] {} | {:?} | help={:?}", p.code, p.message, l, p.help);
        }
    }
}
