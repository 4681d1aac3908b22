#!/usr/bin/env bash
# Writes wiredup's man page (roff) to stdout, made from the program's own
# help texts so that the two cannot differ: `wiredup --help`, then each
# command's `wiredup COMMAND --help`, word for word.
#
#   scripts/man.sh path/to/wiredup > wiredup.1      (the build does this)
set -euo pipefail
bin=${1:?usage: scripts/man.sh WIREDUP > wiredup.1}
version=$("$bin" --version | head -n 1)
# A help text verbatim: backslashes and hyphens escaped (a bare '-' may
# print as a typographic hyphen, and an option copied from the page must
# work), lines that start with a control character guarded by \&.
verbatim() {
  echo ".nf"
  sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
  echo ".fi"
}
commands=$("$bin" --help | awk '/^Commands:/ {on = 1; next} on && NF == 0 {exit} on {print $1}')
[ -n "$commands" ] || { echo "man.sh: no 'Commands:' list in '$bin --help'" >&2; exit 1; }
echo ".TH WIREDUP 1 \"\" \"$version\" \"User Commands\""
echo ".SH NAME"
echo "wiredup \\- find near\\-duplicate news articles and group wire copies into stories"
echo ".SH DESCRIPTION"
"$bin" --help | verbatim
for c in $commands; do
  echo ".SH \"WIREDUP ${c^^}\""
  "$bin" "$c" --help | verbatim
done
echo ".SH SEE ALSO"
echo "README.md in the source tree: the algorithms, input formats, measured speed and limits."
