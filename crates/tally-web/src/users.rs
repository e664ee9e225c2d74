//! Dashboard users: each analyst has a token of their own, so the reviews
//! made through the API carry who made them. The users file (`tally serve
//! --users FILE`) holds one `name<TAB>sha256-hex-of-token` per line (`#`
//! starts a comment), never the tokens themselves: make a line with
//! `printf 'NAME\t%s\n' "$(printf %s TOKEN | sha256sum | cut -d' ' -f1)"`,
//! or let `tally users add NAME` make a token and the line.

use std::fmt;

/// Who made a request: a named user, or the anonymous `--token` holder
/// (and, without any token, whoever the loopback rules let in).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reviewer(pub Option<String>);

/// The users of a dashboard and the hashes of their tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Users {
    entries: Vec<(String, String)>,
}

/// A users file that cannot be read as such, with the line at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersError {
    pub line: usize,
    pub problem: String,
}

impl fmt::Display for UsersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl std::error::Error for UsersError {}

impl Users {
    /// Read a users file's text.
    pub fn parse(text: &str) -> Result<Users, UsersError> {
        let mut users = Users::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |problem: String| UsersError {
                line: i + 1,
                problem,
            };
            let (name, hash) = line
                .split_once('\t')
                .ok_or_else(|| bad("expected NAME<TAB>SHA256-HEX-OF-TOKEN".into()))?;
            let (name, hash) = (name.trim(), hash.trim().to_ascii_lowercase());
            if name.is_empty() {
                return Err(bad("the name is empty".into()));
            }
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad(format!(
                    "{name}: the hash must be 64 hex digits (`printf %s TOKEN | sha256sum`)"
                )));
            }
            if users.entries.iter().any(|(n, h)| n == name || *h == hash) {
                return Err(bad(format!("{name}: a name or token hash given twice")));
            }
            users.entries.push((name.to_string(), hash));
        }
        Ok(users)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The user whose token this is.
    pub fn identify(&self, token: &str) -> Option<&str> {
        let hash = tally_store::content_hash(token);
        self.entries
            .iter()
            .find(|(_, h)| crate::auth::same(h, &hash))
            .map(|(n, _)| n.as_str())
    }
}

/// The line of the users file for `name` with this token.
pub fn users_line(name: &str, token: &str) -> String {
    format!("{name}\t{}\n", tally_store::content_hash(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_user() {
        let text = format!(
            "# analysts\n{}{}",
            users_line("amna", "tok-a"),
            users_line("bilal", "tok-b")
        );
        let users = Users::parse(&text).unwrap();
        assert_eq!(users.identify("tok-b"), Some("bilal"));
        assert_eq!(users.identify("tok-a"), Some("amna"));
        assert_eq!(users.identify("tok-c"), None);
    }

    #[test]
    fn bad_lines_are_refused_with_their_number() {
        let err = Users::parse("# x\namna 1234\n").unwrap_err();
        assert_eq!(err.line, 2);
        let err = Users::parse("amna\tnot-hex\n").unwrap_err();
        assert!(err.problem.contains("64 hex digits"), "{err}");
        let twice = format!("{}{}", users_line("a", "t"), users_line("a", "u"));
        assert!(Users::parse(&twice).is_err());
    }
}
