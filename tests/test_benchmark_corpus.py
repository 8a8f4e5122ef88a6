"""The benchmark corpus's story labels (benchmarks/corpus.py), which story_quality.py --corpus scores against."""

import json

from benchmarks.corpus import generate, story_labels

SIZE = 400


def test_labels_name_for_every_document_the_original_it_reports(tmp_path):
    folder = generate(tmp_path, SIZE, "text")
    records = [json.loads(line) for path in sorted(folder.glob("part-*.jsonl")) for line in path.open()]
    labels = story_labels(SIZE, "text")
    positions = [labels[record["url"]] for record in records]
    originals = {position for position, label in enumerate(positions) if label == position}
    assert len(originals) == json.loads((folder / "manifest.json").read_text())["variants"]["original"]
    # A copy points back at an original that arrived before it, and shares its text's invented names.
    copies = [(position, label) for position, label in enumerate(positions) if label != position]
    assert copies and all(label < position and label in originals for position, label in copies)
    for position, label in copies:
        name = records[label]["title"].split(":")[0]
        assert name in records[position]["text"], (records[position]["url"], name)
