"""Clickstream process job on EMR Serverless: a thin Spark driver around the TypeScript core.

No business logic lives here. The driver
  1. reads the job manifest (written by the schedule-start-job Lambda): the raw objects of this
     run, the previous run's session hand-over, and the core's configuration;
  2. reads those raw objects (gzip JSON lines: RawEnvelope v2, or v1 in older files) and the
     hand-over lines, keys each line by app and user (the same key the core uses: the upload's
     appId and its first event's unique_id, else device_id), repartitions by that key and sorts
     each partition by key and time;
  3. pipes every partition through `node process-core.cjs` (JSON lines in, JSON lines tagged by
     table out; CLICKSTREAM_PROCESS_CONFIG carries the configuration);
  4. writes each table as Parquet under a staging prefix, then copies the files to
     warehouse/<table>/app_id=…/year=…/month=…/day=…/<jobId>-<n>.parquet (names derived from the
     job, so a rerun replaces its files instead of adding copies), writes the session hand-over
     to jobs/<jobId>/session-state/ and the ProcessingCompleted detail to jobs/<jobId>/result.json,
     which on-job-state-change publishes.

    spark-submit process_driver.py --job-id job-… --manifest s3://warehouse/jobs/job-…/manifest.json \
        --warehouse s3://warehouse/ [--core /opt/clickstream/process-core.cjs]
"""

import argparse
import json
from datetime import datetime, timezone

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

SPARK_TYPES = {
    "string": T.StringType(),
    "bigint": T.LongType(),
    "int": T.IntegerType(),
    "double": T.DoubleType(),
    "boolean": T.BooleanType(),
    # The core writes timestamps as 'YYYY-MM-DD HH:MM:SS.mmm' (UTC); read as text, cast below.
    "timestamp": T.StringType(),
}


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--job-id", required=True)
    p.add_argument("--manifest", required=True)
    p.add_argument("--warehouse", required=True)
    p.add_argument("--core", default="/opt/clickstream/process-core.cjs")
    p.add_argument("--tables", default="/opt/clickstream/warehouse-tables.json")
    p.add_argument("--partitions", type=int, default=0, help="pipe partitions (default: 2 x default parallelism)")
    return p.parse_args()


def hadoop_fs(spark, uri):
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(conf), path, jvm


def read_text(spark, uri):
    return "\n".join(r.value for r in spark.read.text(uri).collect())


def schema_of(spec):
    fields = [T.StructField(c["name"], SPARK_TYPES[c["type"]], True) for c in spec["columns"]]
    fields += [T.StructField(k, T.StringType() if k == "app_id" else T.IntegerType(), True) for k in spec["partitionKeys"]]
    return T.StructType(fields)


def main():
    args = parse_args()
    spark = SparkSession.builder.appName(f"clickstream-process-{args.job_id}").getOrCreate()
    warehouse = args.warehouse.rstrip("/") + "/"
    manifest = json.loads(read_text(spark, args.manifest))
    with open(args.tables, encoding="utf-8") as f:
        tables = json.load(f)
    started_at = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")

    raw_uris = [f"s3://{manifest['rawBucket']}/{key}" for key in manifest["objects"]]
    raw = spark.read.text(raw_uris) if raw_uris else spark.createDataFrame([], "value string")
    # The body as JSON text: a v2 envelope embeds it (get_json_object returns the array or object
    # as text), a v1 envelope holds it as a string (returned unquoted). Either way one more
    # get_json_object reads the first event's user; a body that is one event object is its own first.
    body = F.get_json_object("value", "$.body")
    lines = raw.select(
        F.col("value").alias("line"),
        F.get_json_object("value", "$.appId").alias("app"),
        F.coalesce(
            F.get_json_object(body, "$[0].unique_id"), F.get_json_object(body, "$.unique_id"),
            F.get_json_object(body, "$[0].device_id"), F.get_json_object(body, "$.device_id"), F.lit(""),
        ).alias("user"),
        F.lit(1).alias("kind"),
        F.get_json_object("value", "$.ingestTime").cast("long").alias("t"),
    )
    if manifest.get("sessionStateIn"):
        state = spark.read.text(f"{warehouse}{manifest['sessionStateIn']}")
        lines = lines.unionByName(
            state.select(
                F.col("value").alias("line"),
                F.get_json_object("value", "$.row.app_id").alias("app"),
                F.get_json_object("value", "$.row.user_key").alias("user"),
                # Hand-over lines go first within a user's group.
                F.lit(0).alias("kind"),
                F.get_json_object("value", "$.row.last").cast("long").alias("t"),
            )
        )
    partitions = args.partitions or 2 * spark.sparkContext.defaultParallelism
    ordered = lines.repartition(partitions, "app", "user").sortWithinPartitions("app", "user", "kind", "t")
    config = json.dumps(manifest["config"])
    tagged = ordered.select("line").rdd.map(lambda r: r.line).pipe(
        f"node {args.core}", env={"CLICKSTREAM_PROCESS_CONFIG": config}, checkCode=True
    )
    tagged.persist()

    staging = f"{warehouse}jobs/{args.job_id}/output/"
    written_tables = {}
    for spec in tables:
        name = spec["name"]
        prefix = '{"table":"%s","row":' % name
        rows = tagged.filter(lambda l, p=prefix: l.startswith(p)).map(lambda l, n=len(prefix): l[n:-1])
        df = spark.read.schema(schema_of(spec)).json(rows)
        for c in spec["columns"]:
            if c["type"] == "timestamp":
                df = df.withColumn(c["name"], F.to_timestamp(c["name"], "yyyy-MM-dd HH:mm:ss.SSS"))
        df.write.mode("overwrite").partitionBy(*spec["partitionKeys"]).parquet(f"{staging}{name}/")
        written_tables[name] = df.count()

    state_lines = tagged.filter(lambda l: l.startswith('{"table":"session_state"'))
    state_prefix = f"{warehouse}jobs/{args.job_id}/session-state/"
    fs, path, _ = hadoop_fs(spark, state_prefix)
    fs.delete(path, True)
    state_lines.coalesce(1).saveAsTextFile(state_prefix)

    files, partitions_out = publish_files(spark, staging, warehouse, args.job_id, [t["name"] for t in tables])
    result = {
        "jobId": args.job_id,
        "appIds": sorted({f["appId"] for f in files}),
        "inputRange": manifest["inputRange"],
        "partitions": partitions_out,
        "files": files,
        "rowCounts": written_tables,
        "badRowCount": written_tables.get("bad_rows", 0),
        "startedAt": started_at,
        "completedAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
    }
    write_text(spark, f"{warehouse}jobs/{args.job_id}/result.json", json.dumps(result))
    spark.stop()


def publish_files(spark, staging, warehouse, job_id, table_names):
    """Copies the staged Parquet files to their partitions under names derived from the job (a
    rerun overwrites the same names; its stale extra files are removed), counting rows per file."""
    fs, _, jvm = hadoop_fs(spark, warehouse)
    files, partitions = [], []
    for table in table_names:
        root = jvm.org.apache.hadoop.fs.Path(f"{staging}{table}/")
        if not fs.exists(root):
            continue
        by_partition = {}
        it = fs.listFiles(root, True)
        while it.hasNext():
            status = it.next()
            p = status.getPath().toString()
            if not p.endswith(".parquet"):
                continue
            rel = p[len(f"{staging}{table}/"):] if p.startswith(f"{staging}{table}/") else p.split(f"/{table}/", 1)[1]
            location = f"{table}/" + rel.rsplit("/", 1)[0]
            by_partition.setdefault(location, []).append(p)
        for location, staged in sorted(by_partition.items()):
            parts = dict(kv.split("=", 1) for kv in location.split("/")[1:])
            target_dir = jvm.org.apache.hadoop.fs.Path(f"{warehouse}{location}/")
            # Remove what an earlier attempt of this job left (it may have had more files).
            if fs.exists(target_dir):
                for st in fs.listStatus(target_dir):
                    if st.getPath().getName().startswith(f"{job_id}-"):
                        fs.delete(st.getPath(), False)
            for n, src in enumerate(sorted(staged)):
                key = f"{location}/{job_id}-{n}.parquet"
                jvm.org.apache.hadoop.fs.FileUtil.copy(
                    fs, jvm.org.apache.hadoop.fs.Path(src), fs, jvm.org.apache.hadoop.fs.Path(f"{warehouse}{key}"), False, True,
                    spark.sparkContext._jsc.hadoopConfiguration(),
                )
                rows = spark.read.parquet(src).count()
                files.append({"table": table, "appId": parts["app_id"], "key": key, "rows": rows})
            partitions.append({
                "table": table, "appId": parts["app_id"], "year": int(parts["year"]), "month": int(parts["month"]),
                "day": int(parts["day"]), "location": location,
            })
    return files, partitions


def write_text(spark, uri, text):
    fs, path, _ = hadoop_fs(spark, uri)
    out = fs.create(path, True)
    out.write(bytearray(text, "utf-8"))
    out.close()


if __name__ == "__main__":
    main()
