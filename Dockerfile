# One image for Crux's web (gunicorn), worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    CRUX_VAR_DIR=/app/var STATIC_ROOT=/app/staticfiles

# ssh-keygen checks every registered SSH key and verifies ECDSA and sk- agreement signatures.
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY bets ./bets
COPY resolvers ./resolvers
RUN pip install .
COPY . .

# Static files are collected at build time, hashed as a production site serves them
# (whitenoise); the dummy key is used only for this step, never at run time.
RUN CRUX_PRODUCTION=1 SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v 0

RUN useradd --create-home --uid 1000 crux && mkdir -p /app/var && chown -R crux /app/var
USER crux
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind=0.0.0.0:8000"]
