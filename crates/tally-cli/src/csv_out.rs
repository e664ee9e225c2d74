//! The one CSV writer of tally (`tally list|stats --format csv`, `tally
//! export --format csv`): every cell goes through [`neutralise`], so a file
//! opened in a spreadsheet never runs a formula that came from an article,
//! a manifest or an analyst's correction (CSV injection).

use std::borrow::Cow;
use std::io::Write;

/// OWASP's rule for CSV injection: a cell that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a single quote in front, which
/// spreadsheets show as text. A cell that is a plain number (`-3`,
/// `-71.5`, `+2`, `1e3`) is left as it is: spreadsheets read it as that
/// number, not as a formula, and numeric columns (counts, coordinates)
/// must stay numbers.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_plain_number(cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// Digits, a sign, a decimal point and an exponent only, and a finite
/// value (so `-inf` and `-nan` are text).
fn is_plain_number(cell: &str) -> bool {
    cell.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && cell.parse::<f64>().is_ok_and(f64::is_finite)
}

/// A `csv::Writer` whose every cell is neutralised.
pub struct SafeCsv<W: Write>(csv::Writer<W>);

impl<W: Write> SafeCsv<W> {
    pub fn new(out: W) -> SafeCsv<W> {
        SafeCsv(csv::Writer::from_writer(out))
    }

    pub fn write_row<I, S>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let safe: Vec<String> = cells
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        self.0.write_record(&safe)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote() {
        for (cell, safe) in [
            (
                "=HYPERLINK(\"http://evil\",\"x\")",
                "'=HYPERLINK(\"http://evil\",\"x\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("-nan", "'-nan"),
        ] {
            assert_eq!(neutralise(cell), safe, "{cell:?}");
        }
    }

    #[test]
    fn numbers_and_plain_text_are_kept() {
        for cell in [
            "-3", "-71.5", "+2", "1e3", "-1.5e-3", "12", "", "Peshawar", "TTP-JA", "a=b", " =1",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn the_writer_neutralises_every_cell() {
        let mut out = Vec::new();
        let mut w = SafeCsv::new(&mut out);
        w.write_row(["id", "group", "lon"]).unwrap();
        w.write_row(["=1+1", "@evil", "-71.5"]).unwrap();
        w.flush().unwrap();
        drop(w);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "id,group,lon\n'=1+1,'@evil,-71.5\n");
    }
}
