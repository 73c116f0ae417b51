# Cafpro in production: gunicorn on PostgreSQL, static files served by whitenoise.
# docker build -t cafpro . && docker run -e SECRET_KEY=… -e ALLOWED_HOSTS=cafpro.example.fr \
#   -e DATABASE_OWNER_URL=postgres://proprietaire:…@db/cafpro \
#   -e DATABASE_URL=postgres://cafpro_application:…@db/cafpro -p 8000:8000 cafpro
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cafpro.settings.base

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
# Every package pinned with its hashes: pip refuses anything else (requirements/base.in → base.txt).
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt

COPY . .
# collectstatic needs settings but no secret: a throw-away key for this one build step.
RUN SECRET_KEY=collectstatic-only-$(python -c "import secrets; print(secrets.token_urlsafe(48))") \
    python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --no-create-home cafpro
USER cafpro

EXPOSE 8000
# Migrations, référentiel and roles run with the tables' owner (DATABASE_OWNER_URL) before the
# workers start; gunicorn serves with DATABASE_URL's role, which may only add to the journal
# (scripts/demarrer-conteneur.sh, docs/deploiement.md).
CMD ["sh", "scripts/demarrer-conteneur.sh"]
