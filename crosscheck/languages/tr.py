"""Turkish: Anadolu Ajansı, TRT, Hürriyet, Sabah, Daily Sabah's Turkish sources, Yeni Şafak, Cumhuriyet."""

from __future__ import annotations

from .base import EvidenceRules, LanguageRules, SuffixGrammar, frozen_map, words

__all__ = ["RULES"]

_MONTHS = r"(?i:ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık)(?![^\W\d_])"
_UNITS = {"iki": 2, "üç": 3, "dört": 4, "beş": 5, "altı": 6, "yedi": 7, "sekiz": 8, "dokuz": 9}
_TENS = {"on": 10, "yirmi": 20, "otuz": 30, "kırk": 40, "elli": 50, "altmış": 60, "yetmiş": 70, "seksen": 80, "doksan": 90}
# "yüz" (a hundred) is also "face" and "swim": read only with the number it opens ("yüz elli")
_HUNDRED = {f"yüz {w}": 100 + v for w, v in {**_UNITS, **_TENS, "bir": 1}.items()}
_REPORT = r"(?:haberine|bildirdiğine|aktardığına|yazdığına|açıklamasına|duyurduğuna|iddiasına|verilerine|raporuna)"

EVIDENCE = EvidenceRules(
    thousand_word="bin",
    money_after=r"\s?(?:(?:bin|milyon|milyar)\s+)?(?:(?:türk|abd|amerikan|rus)\s+)?(?:dolar|avro|euro|lira|tl|ruble)\w*",
    magnitude_before=r"(?:büyüklüğünde)\s*$",
    magnitude_after=r"\s?büyüklüğünde",
    units=frozen_map({
        "mw": r"\s?(?:mw|gw|megavat\w*|gigavat\w*)",
        "m3": r"\s?(?:(?:milyon|milyar)\s+)?(?:metreküp\w*|m³|m3)",
        "km": r"\s?(?:km|kilometre\w*)",
        "t": r"\s?(?:(?:bin|milyon|milyar)\s+)?ton\b\w*",
        "nmi": r"\s?deniz\s+mil\w*",
        "m2": r"\s?(?:metrekare\w*|m²)",
        "m": r"\s?metre(?!küp|kare)\w*",
    }),
    duration_after=r"\s?(?:saat\w*|gün\w*|hafta\w*|ay\b\w*|yıl\w*|sene\w*)",
    age_after=r"\s+yaş(?:ın\w*|lar\w*|\b)",
    # "cansız bedenine ulaşıldı" (the lifeless body was reached): the lemmatiser gives "can beden"
    dead=frozenset({'can beden', 'ceset', 'can kaybı', 'can kayıp', 'hayat kaybet', 'öl', 'öldür', 'ölü', 'ölüm', 'şehit', 'yaşam yitir', 'hayat', 'yaşam'}),
    injured=frozenset({'yarala', 'yaralan', 'yaralı'}),
    missing=frozenset({'haber alınamıyor', 'kaybol', 'kayıp'}),
    clause_words=words("ve ancak fakat ayrıca"),
    # the copula and its forms, never what a number counts ("kurtarılanların sayısı 12 oldu", "12
    # olarak açıklandı")
    auxiliaries=words("oldu olan olarak olmuş olup idi imiş"),
    kind_after_number=True,
    count_fillers=words("fazla kadar aşkın yakın civarında üzerinde"),
    ordinal_after=r"['’]?(?:inci|ıncı|uncu|üncü|nci|ncı|ncu|ncü)",
    month_numbers={"ocak": 1, "şubat": 2, "mart": 3, "nisan": 4, "mayıs": 5, "haziran": 6, "temmuz": 7,
                   "ağustos": 8, "eylül": 9, "ekim": 10, "kasım": 11, "aralık": 12},
    weekdays={"pazartesi": 0, "salı": 1, "çarşamba": 2, "perşembe": 3, "cuma": 4, "cumartesi": 5, "pazar": 6},
    relative_days={"dün": -1, "bugün": 0},
    no_toll=r"(?<!\w)(?:kimse|hiç\s*kimse|(?:yaralanan|ölen|yaralı|kayıp|can\s+kaybı)\s+(?:olmadı|yok|yaşanmadı)|"
            r"yaralan\w*ma(?:dı|mış|z)\w*|öl(?:me[dz]|memiş)\w*|hayatını\s+kaybetme\w*)",
    # negation is a verb suffix: "yapmadı", "doğrulamadı", "katılmayacak"
    negation=r"\b(?:değil\w*|yok|hayır)\b|\w+(?:ma|me)(?:dı|di|dığ\w*|diğ\w*|mış|miş|yacak|yecek|z)\b",
    denial=(r"\b(?:yalanla\w*|redde[dt]\w*|asılsız\w*)|gerçeği\s+yansıtma\w*|doğru\s+olmadığ\w*"),
    media_speaker=r"(?:(?:Rus|Türk|resmi|devlet)\s+)*(?:ajans\w*|haber\s+ajans\w*|gazete\w*|kanal\w*|televizyon\w*|site\w*|basın\w*|medya\w*)",
    institution_speaker=r"(?:bakanlı\w*|açıklama\w*|hükümet\w*|büyükelçili\w*|konsoloslu\w*|MSB|genelkurmay\w*|başkanlı\w*|ofis\w*|ordu\w*|komutanlı\w*|misyon\w*|kaynaklar\w*|merkez\w*|kurum\w*|birli\w*|derne\w*|şirket\w*|müdürlü\w*|valili\w*)",
    attribution_only=(
        r"^(?:Ajans|Gazete|Haber|Kanal|Site)\w*,?\s+(?:(?:bu\s+)?bilgiler\w*|haber\w*)\s+.*(?:dayandırdı|dayandırıyor|aktardı|verdi)\W*$",
        r"^(?:Bu\s+)?(?:bilgi|haber)\w*,?\s+.*(?:tarafından\s+)?(?:duyuruldu|aktarıldı|verildi)\W*$",
    ),
)

RULES = LanguageRules(
    weak_in_default_model=True,
    code="tr",
    name="Turkish",
    people_word="kişi",
    evidence=EVIDENCE,
    char_folds=frozen_map({"ı": "i"}),
    lower_case=frozen_map({"I": "ı", "İ": "i"}),
    upper_letters="ÇĞİÖŞÜ",
    stopwords=words("ve ile bir bu da de"),
    segmenter="tr",
    abbreviations=words("oca şub nis haz tem ağu eyl eki kas ara"),
    titles=words("dr prof doç av"),
    ordinal_dot=True,
    months=_MONTHS,
    comma_groups_thousands=False,
    dot_groups_thousands="always",
    scale_words=(
        (r"bin(?:de|den|e|i|in|lerce)?\b", 1e3),
        (r"milyon\w*", 1e6),
        (r"milyar\w*", 1e9),
        (r"trilyon\w*", 1e12),
    ),
    percent_after=r"%",
    percent_before=r"%[ \u00a0]?|yüzde\s+",
    ordinal_suffix=r"['’](?:inci|ıncı|uncu|üncü|nci|ncı|ncu|ncü)",
    cardinals={**_UNITS, **_TENS, **_HUNDRED},
    cardinal_ones={"bir": 1},
    one_span_after=r"\s+(?:süreyle|boyunca|içinde|sonra|önce|süre)\b",
    cardinal_multipliers=((r"yüz\b", 100.0),),
    cardinal_not_after=r"[\w\-'’]",
    time_cues_before=r"\bsaat",
    time_cues_after=r"['’]\w|sıralarında|itibarıyla|itibariyle|saat",
    year_cues_after=r"\s*(?:yıl\w*|senesi\w*|tarih\w*)|['’](?!\w+\s+(?:fazla|az|aşkın|çok|üzerinde)\b)[^\W\d_]+",
    grammar="suffixing",
    pronouns=words("o bu şu biz siz onlar ben sen bunu bunun"),
    connectors=words("ve"),
    sentence_starters=words(
        "ayrıca ancak fakat ama öte yandan bu buna bununla diğer daha önce sonra yine bunun üzerine şu o ve ile de "
        "da ise hem habere göre son olarak anlaşmaya dün bugün"),
    roles=(r"(?:kaynak\w*|yetkili\w*|uzman\w*|bakan\w*|sözcü\w*|senatör\w*|ajans\w*|gazete\w*|basın\w*|muhabir\w*"
           r"|diplomat\w*|analist\w*|komutan\w*|temsilci\w*|milletvekil\w*|büyükelçi\w*|başkan\w*|müdür\w*"
           r"|hükümet\w*|genelkurmay\w*|polis\w*|valilik\w*)"),
    modifiers=(r"(?:güvenlik|askeri|diplomatik|resmi|üst|düzey\w*|haber|savunma|istihbarat|yerel|rus|türk|amerikan"
               r"|batılı|dışişleri|sınır|denizcilik)"),
    suffix_grammar=SuffixGrammar(
        postposition="göre",
        verb_end=(r"(?:dedi|söyledi|belirtti|ifade etti|kaydetti|açıkladı|vurguladı|bildirdi|dile getirdi|aktardı"
                  r"|iddia etti|reddetti|yalanladı|öne sürdü|ileri sürdü|doğruladı|duyurdu|yazdı|savundu|uyardı|anlattı|ekledi"
                  r"|değerlendirdi|konuştu|belirtiyor|söylüyor|ifade ediyor|kaydediyor|vurguluyor|açıklıyor"
                  r"|bildiriyor|aktarıyor|iddia ediyor|öne sürüyor|savunuyor)[\W\x00]*\Z"),
        statement=r"^(?:açıklamasında|açıklamada|açıklamalarında)$",
        report_noun=(r"^(?:haber|bildirdiğ|aktardığ|yazdığ|açıklama|veri|iddia|ifade|rapor|bilgi|değerlendirme"
                     r"|tahmin)\w*$"),
        particles=words("da de ise ayrıca dahi"),
        fillers=words("yaptığı yazılı bir"),
        dative_endings=((r"[ıiuü]n[ae]$", 2), (r"[aeıioöuü]y[ae]$", 2), (r"[ae]$", 1)),
        report_verb_end=(r"(?i)(?:bildirdi|duyurdu|aktardı|yazdı|haberini verdi|haberine yer verdi|iddia etti"
                         r"|öne sürdü|ileri sürdü)\W*\Z"),
    ),
    cite_after=(
        r"(?i)\A(?:\s+(?:haber\s+)?(?:ajansı|gazetesi|televizyonu|kanalı|sitesi)(?:n[ıi]n)?)?(?:['’]\w+)?"
        rf"\s+{_REPORT}\s+göre\b"
        r"|\A(?:['’](?:y?[ae]|n[ae])|\s+(?:haber\s+)?(?:ajansına|gazetesine|televizyonuna|kanalına))"
        r"\s+(?:göre|dayandırdı|dayandırarak|dayanarak|atfen|atıfta|konuştu|açıklama\s+yaptı"
        r"|yaptığı\s+açıklamada|verdiği\s+demeçte|verdiği\s+röportajda|demeç\s+verdi)\b"
        r"|\A(?:['’]\w+)?\s+(?:haberinde|sitesinde|yayınında|internet\s+sitesinde)\b"),
    boilerplate=(
        r"(?i)^(?:Muhabir|Yazar|Editör|Haber\s+Merkezi)\s*:",
        r"(?i)^\(?(?:Fotoğraf|Foto|Video)\b\s*(?::|/)",
        r"(?i)^(?:Ayrıca\s+okuyun|İlgili\s+[Hh]aber|Abone\s+ol|Bizi\s+takip|Paylaş|Tıklayın|Haberin\s+devamı)",
        r"(?i)(?:takip\s+edin|abone\s+olun?)\W*$",
        r"(?i)Tüm\s+hakları\s+saklıdır|Her\s+hakkı\s+saklıdır",
        r"(?i)^(?:Çerez(?:ler)?\s+kullan|Bu\s+sitede\s+çerez)",
    ),
    place_words=frozen_map({
        "türk": "TR", "türkler": "TR", "rus": "RU", "ruslar": "RU", "amerikan*": "US", "abd": "US",
        "ingiliz*": "GB", "çinli": "CN", "iranlı": "IR", "iraklı": "IQ", "alman*": "DE", "fransız*": "FR",
        "ankara": "ankara", "halep": "aleppo", "idlib": "idlib", "rakka": "raqqa", "soçi": "sochi",
        "vaşington": "washington", "cenevre": "geneva", "petersburg": "saint petersburg", "boğaz": "bosphorus",
        "boğazı": "bosphorus", "çanakkale": "dardanelles", "kırım": "crimea",
    }),
)
