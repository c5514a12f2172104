//! The shortest decimal form of a float that reads back as the same float.
//!
//! Why not `{}` or `{:e}`: the standard library's float formatting (Grisu with a Dragon
//! fallback, its tables and bignum) is ≈25 KB of wasm, in every build, for a handful of
//! probabilities. Here the exact decimal expansion is generated with a small bignum (the value
//! is `m × 2^e`, so only ×10 and shifts are needed), rounded to 1, 2, … 17 significant digits,
//! and the first that parses back as the same float wins: the parse is the standard library's
//! (exact), which the readers need anyway. The result is the correctly rounded shortest form;
//! at a power of two, where the floats above are twice as far apart as those below, a form one
//! digit shorter than that can exist on the far side, and this writes the longer one (still the
//! same float when read).

use alloc::vec::Vec;

/// The significant digits (ASCII, no trailing zeros) and the position of the decimal point
/// relative to the first digit (`0.0125` → (`125`, -1); `1250.0` → (`125`, 4)) of a finite,
/// positive float.
pub(crate) fn shortest(x: f64) -> (Vec<u8>, i32) {
    let (exact, point, sticky) = exact_digits(x);
    for p in 1..=17 {
        let (digits, point) = round(&exact, point, sticky, p);
        if reads_back(&digits, point) == Some(x) {
            return (digits, point);
        }
    }
    // 17 significant digits always suffice for a float; kept for completeness.
    round(&exact, point, sticky, 17)
}

/// The first significant digits of `x` exactly (20 of them, or all if fewer), the decimal
/// point's position, and whether any nonzero digit follows those kept.
fn exact_digits(x: f64) -> (Vec<u8>, i32, bool) {
    const KEEP: usize = 20;
    let bits = x.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp_bits - 1075)
    };
    let mut digits: Vec<u8> = Vec::new();
    let mut sticky = false;
    let point;
    if e >= 0 {
        // An integer: m × 2^e, written out in base 10 (least significant chunk first).
        let mut n = Big::from_u64(m);
        n.shift_left(e as u32);
        let mut chunks = Vec::new();
        while !n.is_zero() {
            chunks.push(n.div_small(1_000_000_000));
        }
        let mut all = Vec::new();
        for (i, chunk) in chunks.iter().rev().enumerate() {
            let text = alloc::format!("{chunk}");
            if i > 0 {
                all.extend(core::iter::repeat_n(b'0', 9 - text.len()));
            }
            all.extend_from_slice(text.as_bytes());
        }
        point = all.len() as i32;
        for d in all {
            if digits.len() < KEEP {
                digits.push(d);
            } else if d != b'0' {
                sticky = true;
            }
        }
    } else {
        let shift = (-e) as u32;
        // The integer part (nonzero only when m ≥ 2^shift, so shift < 53) and the fraction
        // f / 2^shift, whose digits come out one ×10 at a time.
        let int = if shift < 64 { m >> shift } else { 0 };
        let mut f = Big::from_u64(if shift < 64 { m & ((1u64 << shift) - 1) } else { m });
        let mut p = 0i32;
        if int > 0 {
            let text = alloc::format!("{int}");
            digits.extend_from_slice(text.as_bytes());
            p = digits.len() as i32;
        }
        while !f.is_zero() && digits.len() < KEEP {
            f.mul_small(10);
            let d = f.take_above(shift);
            if digits.is_empty() && d == 0 {
                p -= 1;
            } else {
                digits.push(b'0' + d as u8);
            }
        }
        sticky = !f.is_zero();
        point = p;
    }
    (digits, point, sticky)
}

/// `exact` rounded to `p` significant digits, half to even (a tie only when nothing nonzero
/// follows), trailing zeros dropped.
fn round(exact: &[u8], point: i32, sticky: bool, p: usize) -> (Vec<u8>, i32) {
    let mut digits: Vec<u8> = exact.iter().copied().take(p).collect();
    let mut point = point;
    if let Some(&next) = exact.get(p) {
        let rest_nonzero = sticky || exact.iter().skip(p + 1).any(|d| *d != b'0');
        let last_odd = digits.last().is_some_and(|d| (d - b'0') % 2 == 1);
        let up = next > b'5' || (next == b'5' && (rest_nonzero || last_odd));
        if up {
            let mut i = digits.len();
            loop {
                if i == 0 {
                    digits.insert(0, b'1');
                    digits.truncate(p);
                    point += 1;
                    break;
                }
                i -= 1;
                if let Some(d) = digits.get_mut(i) {
                    if *d == b'9' {
                        *d = b'0';
                    } else {
                        *d += 1;
                        break;
                    }
                }
            }
        }
    }
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, point)
}

/// The float `0.digits × 10^point` reads as.
fn reads_back(digits: &[u8], point: i32) -> Option<f64> {
    let text = alloc::format!("0.{}e{point}", core::str::from_utf8(digits).ok()?);
    text.parse().ok()
}

/// An unsigned integer in 32-bit limbs, least significant first: just what the digits need.
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(alloc::vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn shift_left(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let next = *limb >> (32 - bits);
                *limb = (*limb << bits) | carry;
                carry = next;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, core::iter::repeat_n(0, limbs));
    }

    fn mul_small(&mut self, by: u32) {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(by) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    /// Divides in place; the remainder.
    fn div_small(&mut self, by: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.0.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*limb);
            *limb = (v / u64::from(by)) as u32;
            rem = v % u64::from(by);
        }
        self.trim();
        rem as u32
    }

    /// The bits at and above position `shift` (a small value here: the fraction was below one
    /// and was multiplied by 10), removed from the number.
    fn take_above(&mut self, shift: u32) -> u32 {
        let (first, bit) = ((shift / 32) as usize, shift % 32);
        let mut above = 0u64;
        for (i, l) in self.0.iter_mut().enumerate().skip(first) {
            if i == first {
                above |= u64::from(*l >> bit);
                *l &= ((1u64 << bit) - 1) as u32;
            } else {
                // Only the limb right above holds any of it, and only a few bits.
                let offset = 32 * (i - first) as u32 - bit;
                if offset < 32 {
                    above |= u64::from(*l) << offset;
                }
                *l = 0;
            }
        }
        self.trim();
        above as u32
    }
}
