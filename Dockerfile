# The app image for docker-compose.yml: the project installed with pip, Streamlit on 0.0.0.0:8501.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY . /app
RUN pip install . && mkdir -p /app/data

EXPOSE 8501
# Loads seeds/ into the backend (KG_BACKEND, set to neo4j by docker-compose.yml), then
# `streamlit run app.py --server.address 0.0.0.0 --server.port 8501`.
CMD ["sh", "scripts/docker-entrypoint.sh"]
