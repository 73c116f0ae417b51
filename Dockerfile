# Cafpro in production: gunicorn on PostgreSQL, static files served by whitenoise.
# docker build -t cafpro . && docker run -e SECRET_KEY=… -e DATABASE_URL=postgres://… \
#   -e ALLOWED_HOSTS=cafpro.example.fr -p 8000:8000 cafpro
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cafpro.settings.base

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt

COPY . .
# collectstatic needs settings but no secret: a throw-away key for this one build step.
RUN SECRET_KEY=collectstatic-only-$(python -c "import secrets; print(secrets.token_urlsafe(48))") \
    python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --no-create-home cafpro
USER cafpro

EXPOSE 8000
# Migrations run before the workers start; the journal's role separation is documented
# in docs/deploiement.md.
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py referentiel && exec gunicorn cafpro.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --access-logfile -"]
