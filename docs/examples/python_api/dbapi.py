"""DB-API 2.0 (PEP 249): connections, cursors, qmark parameters, pandas."""

import tempfile
import warnings

import pandas as pd

from lakebed import dbapi

with dbapi.connect(tempfile.mkdtemp()) as conn:
    cur = conn.cursor()
    cur.execute("SELECT x, CAST(x AS decimal(5,1)) AS d FROM UNNEST(sequence(1, 3)) AS t(x)")
    print([(d[0], d[1], d[4], d[5]) for d in cur.description])  # name, type, precision, scale
    print(cur.rowcount, cur.fetchall())

    cur.execute("SELECT ? AS greeting", ["hello"])
    print(cur.fetchone())

    try:
        cur.execute("SELECT * FROM nowhere")
    except dbapi.ProgrammingError as e:
        print(type(e).__name__, e.code)

    # pandas accepts any DB-API connection (and warns that it only tests SQLAlchemy ones).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        frame = pd.read_sql("SELECT x FROM UNNEST(sequence(1, 3)) AS t(x)", conn)
    print(frame["x"].tolist())
