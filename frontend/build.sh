#!/bin/sh
# Copy GOV.UK Frontend's compiled CSS, JavaScript, fonts and images from
# node_modules, and Onroll's own static files from frontend/src, into
# frontend/build, which settings.STATICFILES_DIRS serves under /static/.
# Run `npm ci` first.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
dist="$root/node_modules/govuk-frontend/dist/govuk"
build="$root/frontend/build"

if [ ! -f "$dist/govuk-frontend.min.css" ]; then
    echo "GOV.UK Frontend is missing from $dist. Run 'npm ci' first." >&2
    exit 1
fi

rm -rf "$build"
mkdir -p "$build/govuk"

# The compiled CSS refers to its fonts and images as /assets/..., so rewrite
# those to paths relative to the CSS file, which resolve under STATIC_URL.
sed 's#url(/assets/#url(assets/#g' "$dist/govuk-frontend.min.css" \
    >"$build/govuk/govuk-frontend.min.css"
# The source maps go too, because ManifestStaticFilesStorage fails on a
# sourceMappingURL whose file is missing.
cp "$dist/govuk-frontend.min.css.map" "$build/govuk/"
cp "$dist/govuk-frontend.min.js" "$dist/govuk-frontend.min.js.map" "$build/govuk/"
cp -R "$dist/assets" "$build/govuk/assets"
cp -R "$root/frontend/src" "$build/onroll"

version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
    "$root/node_modules/govuk-frontend/package.json")
echo "Copied GOV.UK Frontend $version and Onroll's static files to $build."
