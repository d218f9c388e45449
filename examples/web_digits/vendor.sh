#!/usr/bin/env bash
# Vendors onnxruntime-web from the npm registry into vendor/ beside this script: the wasm-only
# bundle and the single WebAssembly build it loads (with its loader; the bundle carries the MIT
# licence notice); none of the package's other 130 MB. Idempotent: a vendor/ of the pinned
# version is left as it is.
set -euo pipefail

VERSION=1.30.0
# The registry's dist.integrity of that tarball, pinned: any other bytes under this name are refused.
INTEGRITY=sha512-q0y+JrrtukXSzsBWEMccVfqX25LRmosXHF+CaRJmg8pZClzcV7svNc4rKY3jL02Vb7QmRMDs1SigqR4CXAfKYQ==
FILES=(dist/ort.wasm.min.js dist/ort-wasm-simd-threaded.mjs dist/ort-wasm-simd-threaded.wasm)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
target=$here/vendor
if [[ -f $target/VERSION && $(<"$target/VERSION") == "$VERSION" ]]; then
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! npm pack --silent --pack-destination "$work" "onnxruntime-web@$VERSION" >/dev/null; then
    echo "vendor.sh: npm could not fetch onnxruntime-web@$VERSION" >&2
    exit 75  # EX_TEMPFAIL: the registry is out of reach, as opposed to a wrong package
fi
tarball=$work/onnxruntime-web-$VERSION.tgz
actual=$(node -e 'const {createHash} = require("crypto");
process.stdout.write("sha512-" + createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"));' "$tarball")
if [[ $actual != "$INTEGRITY" ]]; then
    echo "vendor.sh: onnxruntime-web@$VERSION has integrity $actual; expected $INTEGRITY" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$work" "${FILES[@]/#/package/}"

staging=$work/vendor
mkdir "$staging"
for file in "${FILES[@]}"; do
    cp "$work/package/$file" "$staging/"
done
echo "$VERSION" >"$staging/VERSION"
rm -rf "$target"
mv "$staging" "$target"
echo "vendored onnxruntime-web $VERSION into $target"
