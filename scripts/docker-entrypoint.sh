#!/bin/sh
# The app container's start: load the seed documents into the configured backend (idempotent:
# rebuilding the same input changes nothing), then serve Streamlit on 0.0.0.0:8501.
set -u
if ! kg build seeds/ --backend "${KG_BACKEND:-memory}"; then
    echo "docker-entrypoint: loading seeds/ failed; the app starts anyway and shows the store's state" >&2
fi
exec streamlit run app.py --server.address 0.0.0.0 --server.port 8501 --server.headless true --browser.gatherUsageStats false
