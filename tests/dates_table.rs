//! Runs every row of `tests/data/dates.tsv` through the date finder and
//! checks exact spans and values; reports every failing row at once.

use kinex::dates::DateFinder;

const TABLE: &str = include_str!("data/dates.tsv");

/// `(start, end, value)` for each expected `span=value`, located in `text`
/// left to right so repeated words get the right occurrence.
fn expected(text: &str, spec: &str) -> Result<Vec<(usize, usize, String)>, String> {
    if spec == "-" {
        return Ok(Vec::new());
    }
    let mut from = 0;
    let mut out = Vec::new();
    for pair in spec.split(" | ") {
        let (span, value) = pair
            .rsplit_once('=')
            .ok_or_else(|| format!("bad pair {pair:?}"))?;
        let at = text[from..]
            .find(span)
            .ok_or_else(|| format!("span {span:?} not in text"))?;
        let start = from + at;
        from = start + span.len();
        out.push((start, from, value.to_string()));
    }
    Ok(out)
}

#[test]
fn date_table() {
    let finder = DateFinder::new();
    let mut failures = Vec::new();
    let mut rows = 0;
    for (n, line) in TABLE.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        rows += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        let [text, anchor, spec] = cols[..] else {
            failures.push(format!("line {}: needs 3 tab-separated columns", n + 1));
            continue;
        };
        let text = text.replace("\\n", "\n");
        let anchor = match anchor {
            "-" => None,
            a => match a.parse::<jiff::civil::Date>() {
                Ok(d) => Some(d),
                Err(e) => {
                    failures.push(format!("line {}: bad anchor {a:?}: {e}", n + 1));
                    continue;
                }
            },
        };
        let want = match expected(&text, spec) {
            Ok(w) => w,
            Err(e) => {
                failures.push(format!("line {}: {e}", n + 1));
                continue;
            }
        };
        let got: Vec<(usize, usize, String)> = finder
            .find(&text, anchor)
            .into_iter()
            .map(|m| (m.start, m.end, m.value))
            .collect();
        if got != want {
            let show = |v: &[(usize, usize, String)]| {
                if v.is_empty() {
                    return "-".to_string();
                }
                v.iter()
                    .map(|(s, e, val)| format!("{}={val}", &text[*s..*e]))
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            failures.push(format!(
                "line {}: {text:?}\n    want: {}\n    got:  {}",
                n + 1,
                show(&want),
                show(&got)
            ));
        }
    }
    assert!(rows >= 250, "table has only {rows} rows");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
