"""Every choice a screen can show (a model field's TextChoices label) reads in
English when the visitor picks English: a label missing from the catalogs
stays French on an English page (the provider log's outcomes once did)."""

from django.apps import apps
from django.utils import translation

# The same word in both languages.
SAME_IN_BOTH = {"Stripe", "Test", "Production", "CSV", "Excel (XLSX)"}


def test_every_model_choice_label_has_an_english_translation():
    untranslated = set()
    for model in apps.get_models():
        if not model.__module__.startswith("comptoir."):
            continue
        for field in model._meta.get_fields():
            for _value, label in getattr(field, "choices", None) or ():
                with translation.override("fr"):
                    french = str(label)
                with translation.override("en"):
                    english = str(label)
                if english == french and french not in SAME_IN_BOTH:
                    untranslated.add(f"{model.__name__}.{field.name}: {french}")
    assert not untranslated, sorted(untranslated)
