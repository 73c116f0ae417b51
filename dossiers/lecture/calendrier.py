"""Months and their arithmetic, for the month-by-month rubriques and the depths of history."""

from datetime import date


def premier_du_mois(jour: date) -> date:
    return jour.replace(day=1)


def decaler_mois(mois: date, n: int) -> date:
    index = mois.year * 12 + mois.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def il_y_a_mois(jour: date, n: int) -> date:
    """The same day `n` months earlier, or that month's last day ("deux mois" before 31 May is
    31 March; before 30 April, 28 or 29 February)."""
    mois = decaler_mois(premier_du_mois(jour), -n)
    for jour_du_mois in range(jour.day, 27, -1):
        try:
            return mois.replace(day=jour_du_mois)
        except ValueError:
            continue
    return mois.replace(day=min(jour.day, 28))


def fenetre_mois(jour: date, profondeur: int) -> tuple[date, date]:
    """The first and last months of a history of `profondeur` months ending with the current one."""
    fin = premier_du_mois(jour)
    return decaler_mois(fin, -(profondeur - 1)), fin


def lire_mois(texte: str | None) -> date | None:
    """ "2026-10" → 1 October 2026; anything else → None."""
    try:
        annee, mois = (texte or "").split("-")
        return date(int(annee), int(mois), 1)
    except ValueError:
        return None


def code_mois(mois: date) -> str:
    return f"{mois.year:04d}-{mois.month:02d}"


def periodes_continues(mois: list[date]) -> list[tuple[date, date]]:
    """Months grouped into runs of consecutive months: (first, last) of each run."""
    periodes: list[list[date]] = []
    for m in sorted(mois):
        if periodes and decaler_mois(periodes[-1][1], 1) == m:
            periodes[-1][1] = m
        else:
            periodes.append([m, m])
    return [(debut, fin) for debut, fin in periodes]
