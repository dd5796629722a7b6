"""Seed the language list (data only; the schema is in 0001)."""

from django.db import migrations

LANGUAGES = [
    ("ar", "Arabisch (Hocharabisch)", "Arabic (Modern Standard)", "العربية", True, None),
    (
        "apc",
        "Arabisch (Levante: Syrien, Libanon, Palästina)",
        "Arabic (Levantine)",
        "شامي",
        True,
        "ar",
    ),
    ("acm", "Arabisch (Irak)", "Arabic (Iraqi)", "عراقي", True, "ar"),
    ("arz", "Arabisch (Ägypten)", "Arabic (Egyptian)", "مصري", True, "ar"),
    ("ary", "Arabisch (Marokko)", "Arabic (Moroccan)", "الدارجة", True, "ar"),
    ("arq", "Arabisch (Algerien)", "Arabic (Algerian)", "دزيري", True, "ar"),
    ("aeb", "Arabisch (Tunesien)", "Arabic (Tunisian)", "تونسي", True, "ar"),
    ("apd", "Arabisch (Sudan)", "Arabic (Sudanese)", "سوداني", True, "ar"),
    ("afb", "Arabisch (Golfstaaten)", "Arabic (Gulf)", "خليجي", True, "ar"),
    ("fa", "Persisch (Farsi)", "Persian (Farsi)", "فارسی", True, None),
    ("prs", "Dari", "Dari", "دری", True, None),
    ("ps", "Paschtu", "Pashto", "پښتو", True, None),
    ("kmr", "Kurdisch (Kurmandschi)", "Kurdish (Kurmanji)", "Kurmancî", False, None),
    ("ckb", "Kurdisch (Sorani)", "Kurdish (Sorani)", "سۆرانی", True, None),
    ("zza", "Zazaki", "Zazaki", "Zazaki", False, None),
    ("ti", "Tigrinya", "Tigrinya", "ትግርኛ", False, None),
    ("tig", "Tigre", "Tigre", "ትግሬ", False, None),
    ("am", "Amharisch", "Amharic", "አማርኛ", False, None),
    ("om", "Oromo", "Oromo", "Afaan Oromoo", False, None),
    ("so", "Somali", "Somali", "Soomaali", False, None),
    ("sw", "Swahili", "Swahili", "Kiswahili", False, None),
    ("ln", "Lingala", "Lingala", "Lingála", False, None),
    ("ff", "Fulfulde", "Fula", "Fulfulde", False, None),
    ("wo", "Wolof", "Wolof", "Wolof", False, None),
    ("ha", "Hausa", "Hausa", "Hausa", False, None),
    ("yo", "Yoruba", "Yoruba", "Yorùbá", False, None),
    ("ig", "Igbo", "Igbo", "Igbo", False, None),
    ("tr", "Türkisch", "Turkish", "Türkçe", False, None),
    ("uk", "Ukrainisch", "Ukrainian", "Українська", False, None),
    ("ru", "Russisch", "Russian", "Русский", False, None),
    ("ro", "Rumänisch", "Romanian", "Română", False, None),
    ("bg", "Bulgarisch", "Bulgarian", "Български", False, None),
    ("sq", "Albanisch", "Albanian", "Shqip", False, None),
    ("sr", "Serbisch", "Serbian", "Српски", False, None),
    ("hr", "Kroatisch", "Croatian", "Hrvatski", False, None),
    ("bs", "Bosnisch", "Bosnian", "Bosanski", False, None),
    ("mk", "Mazedonisch", "Macedonian", "Македонски", False, None),
    ("rom", "Romanes", "Romani", "Romani čhib", False, None),
    ("pl", "Polnisch", "Polish", "Polski", False, None),
    ("hu", "Ungarisch", "Hungarian", "Magyar", False, None),
    ("cs", "Tschechisch", "Czech", "Čeština", False, None),
    ("el", "Griechisch", "Greek", "Ελληνικά", False, None),
    ("it", "Italienisch", "Italian", "Italiano", False, None),
    ("es", "Spanisch", "Spanish", "Español", False, None),
    ("pt", "Portugiesisch", "Portuguese", "Português", False, None),
    ("fr", "Französisch", "French", "Français", False, None),
    ("en", "Englisch", "English", "English", False, None),
    ("de", "Deutsch", "German", "Deutsch", False, None),
    ("ur", "Urdu", "Urdu", "اردو", True, None),
    ("hi", "Hindi", "Hindi", "हिन्दी", False, None),
    ("pa", "Panjabi", "Punjabi", "ਪੰਜਾਬੀ", False, None),
    ("bn", "Bengalisch", "Bengali", "বাংলা", False, None),
    ("ta", "Tamil", "Tamil", "தமிழ்", False, None),
    ("ka", "Georgisch", "Georgian", "ქართული", False, None),
    ("hy", "Armenisch", "Armenian", "Հայերեն", False, None),
    ("az", "Aserbaidschanisch", "Azerbaijani", "Azərbaycanca", False, None),
    ("vi", "Vietnamesisch", "Vietnamese", "Tiếng Việt", False, None),
    ("zh", "Chinesisch (Mandarin)", "Chinese (Mandarin)", "中文", False, None),
    ("gsg", "Deutsche Gebärdensprache", "German Sign Language", "DGS", False, None),
]


def seed_languages(apps, schema_editor):
    Language = apps.get_model("core", "Language")
    for code, name_de, name_en, native, rtl, _macro in LANGUAGES:
        Language.objects.update_or_create(
            code=code,
            defaults={"name_de": name_de, "name_en": name_en, "name_native": native, "rtl": rtl},
        )
    for code, *_rest, macro in LANGUAGES:
        if macro:
            Language.objects.filter(code=code).update(macrolanguage_id=macro)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial_schema")]

    operations = [migrations.RunPython(seed_languages, migrations.RunPython.noop)]
