//! What the byte scans before a parse share (`syntax`'s bracket-depth check and `blank_bodies`):
//! a table of the bytes a scan acts on, and a skip over the bytes it does not.

/// A table marking `bytes`, for [`skip_to`].
pub const fn table(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
}

/// The first offset from `i` holding a byte marked in `acts_on` (or the length), eight bytes at
/// a time: most of a file is names, spaces and string content, and a branch per byte cost more.
pub fn skip_to(bytes: &[u8], mut i: usize, acts_on: &[bool; 256]) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8)
        && !chunk
            .iter()
            .fold(false, |any, &b| any | acts_on[b as usize])
    {
        i += 8;
    }
    while i < bytes.len() && !acts_on[bytes[i] as usize] {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_to_stops_at_the_first_marked_byte_or_the_end() {
        let t = table(b"#(");
        let text = b"abcdefghijklmnop(q";
        assert_eq!(skip_to(text, 0, &t), 16);
        assert_eq!(skip_to(text, 16, &t), 16);
        assert_eq!(skip_to(text, 17, &t), text.len());
        assert_eq!(skip_to(b"ab#", 0, &t), 2);
        assert_eq!(skip_to(b"", 0, &t), 0);
    }
}
