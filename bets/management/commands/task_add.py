"""`manage.py task_add NAME --dataset FILE [--description TEXT] [--task-version V]`: add an
evaluation task from a JSONL dataset (one `{"id", "input", "target"}` object a line) to the
data directory, so that live-run specs can name it like a bundled task.

The task is scored like the bundled ones (`match(numeric=True)`) and runs under every recipe.
Its dataset's sha256 is printed here and recorded in every run's logs.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from resolvers import evals


class Command(BaseCommand):
    help = "Add an evaluation task (a JSONL dataset) that live-run specs can name."

    def add_arguments(self, parser):
        parser.add_argument("name", help="lowercase letters, digits and _ (e.g. gsm_subset)")
        parser.add_argument("--dataset", required=True, type=Path,
                            help='JSONL file: {"id": ..., "input": "...", "target": "..."} '
                                 "a line")
        parser.add_argument("--description", default="", help="One line about the task.")
        parser.add_argument("--task-version", default="1", dest="task_version",
                            help="Recorded in every run's logs.")

    def handle(self, *args, name, dataset, description, task_version, **options):
        try:
            if dataset.stat().st_size > evals.MAX_DATASET_BYTES:
                raise ValueError(f"{dataset} is larger than {evals.MAX_DATASET_BYTES} bytes")
            data = dataset.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read the dataset: {exc.strerror}: {dataset}") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        data_dir = Path(settings.CRUX_DATA_DIR)
        try:
            info = evals.task_add(data_dir, name, data, description=description,
                                  version=task_version)
        except ValueError as exc:
            raise CommandError(f"Task not added: {exc}") from None
        except OSError as exc:  # the data directory: missing rights, not a folder, a race
            raise CommandError(f"Task not added: {exc.strerror}: {exc.filename}") from None
        self.stdout.write(f"Added task {info.name} ({info.size} samples, dataset sha256 "
                          f"{info.dataset_sha256}) in {info.folder}.")
