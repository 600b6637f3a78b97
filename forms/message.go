package forms

import (
	"fmt"
	"strings"
)

// Keys of the messages a participant may see when an answer is refused.
const (
	MsgInvalid         = "invalid"
	MsgRequired        = "required"
	MsgNotAScore       = "not_a_score"
	MsgOutOfRange      = "out_of_range"
	MsgOneScore        = "one_score"
	MsgOneChoice       = "one_choice"
	MsgUnknownOption   = "unknown_option"
	MsgDuplicateChoice = "duplicate_choice"
	MsgOneText         = "one_text"
	MsgInvalidText     = "invalid_text"
	MsgTooLong         = "too_long"
	MsgUnknownQuestion = "unknown_question"
	MsgWrongType       = "wrong_type"
	MsgSubmissionID    = "submission_id"
	MsgSubmissionTaken = "submission_taken"
	MsgLanguage        = "language"
	MsgClosed          = "closed"
	MsgNotFound        = "not_found"
	MsgUnavailable     = "unavailable"
	MsgBody            = "body"
	MsgTooManyChanges  = "too_many_changes"
)

// messages holds every message in every language of Languages; a test checks
// that none is missing. %d verbs are filled by Messagef in the order noted.
var messages = map[string]Text{
	MsgInvalid: {
		"en": "Some answers need your attention.",
		"fr": "Certaines réponses demandent votre attention.",
		"es": "Algunas respuestas requieren su atención.",
		"ru": "Некоторые ответы требуют вашего внимания.",
		"zh": "部分回答需要您检查。",
		"ar": "بعض الإجابات تحتاج إلى مراجعتك.",
		"uz": "Baʼzi javoblarni tekshirib chiqing.",
	},
	MsgRequired: {
		"en": "Please answer this question.",
		"fr": "Veuillez répondre à cette question.",
		"es": "Por favor, responda a esta pregunta.",
		"ru": "Пожалуйста, ответьте на этот вопрос.",
		"zh": "请回答此问题。",
		"ar": "يرجى الإجابة عن هذا السؤال.",
		"uz": "Iltimos, bu savolga javob bering.",
	},
	// min, max
	MsgNotAScore: {
		"en": "Please choose a score from %d to %d.",
		"fr": "Veuillez choisir une note de %d à %d.",
		"es": "Por favor, elija una puntuación de %d a %d.",
		"ru": "Пожалуйста, выберите оценку от %d до %d.",
		"zh": "请选择 %d 到 %d 之间的分数。",
		"ar": "يرجى اختيار درجة من %d إلى %d.",
		"uz": "Iltimos, %d dan %d gacha baho tanlang.",
	},
	// min, max
	MsgOutOfRange: {
		"en": "The score must be between %d and %d.",
		"fr": "La note doit être comprise entre %d et %d.",
		"es": "La puntuación debe estar entre %d y %d.",
		"ru": "Оценка должна быть от %d до %d.",
		"zh": "分数必须在 %d 到 %d 之间。",
		"ar": "يجب أن تكون الدرجة بين %d و%d.",
		"uz": "Baho %d va %d oraligʻida boʻlishi kerak.",
	},
	MsgOneScore: {
		"en": "Please choose only one score.",
		"fr": "Veuillez choisir une seule note.",
		"es": "Por favor, elija una sola puntuación.",
		"ru": "Пожалуйста, выберите только одну оценку.",
		"zh": "请只选择一个分数。",
		"ar": "يرجى اختيار درجة واحدة فقط.",
		"uz": "Iltimos, faqat bitta baho tanlang.",
	},
	MsgOneChoice: {
		"en": "Please choose only one option.",
		"fr": "Veuillez choisir une seule option.",
		"es": "Por favor, elija una sola opción.",
		"ru": "Пожалуйста, выберите только один вариант.",
		"zh": "请只选择一个选项。",
		"ar": "يرجى اختيار خيار واحد فقط.",
		"uz": "Iltimos, faqat bitta variantni tanlang.",
	},
	MsgUnknownOption: {
		"en": "Please choose one of the options shown.",
		"fr": "Veuillez choisir l’une des options proposées.",
		"es": "Por favor, elija una de las opciones mostradas.",
		"ru": "Пожалуйста, выберите один из предложенных вариантов.",
		"zh": "请从所列选项中选择。",
		"ar": "يرجى اختيار أحد الخيارات المعروضة.",
		"uz": "Iltimos, koʻrsatilgan variantlardan birini tanlang.",
	},
	MsgDuplicateChoice: {
		"en": "Each option can be chosen only once.",
		"fr": "Chaque option ne peut être choisie qu’une fois.",
		"es": "Cada opción solo puede elegirse una vez.",
		"ru": "Каждый вариант можно выбрать только один раз.",
		"zh": "每个选项只能选择一次。",
		"ar": "لا يمكن اختيار كل خيار إلا مرة واحدة.",
		"uz": "Har bir variantni faqat bir marta tanlash mumkin.",
	},
	MsgOneText: {
		"en": "Please give one answer only.",
		"fr": "Veuillez donner une seule réponse.",
		"es": "Por favor, dé una sola respuesta.",
		"ru": "Пожалуйста, дайте только один ответ.",
		"zh": "请只填写一个回答。",
		"ar": "يرجى تقديم إجابة واحدة فقط.",
		"uz": "Iltimos, faqat bitta javob bering.",
	},
	MsgInvalidText: {
		"en": "This text contains characters that cannot be saved. Please retype it.",
		"fr": "Ce texte contient des caractères qui ne peuvent pas être enregistrés. Veuillez le ressaisir.",
		"es": "Este texto contiene caracteres que no se pueden guardar. Por favor, vuelva a escribirlo.",
		"ru": "Текст содержит символы, которые нельзя сохранить. Пожалуйста, введите его заново.",
		"zh": "此文本包含无法保存的字符，请重新输入。",
		"ar": "يحتوي هذا النص على رموز لا يمكن حفظها. يرجى إعادة كتابته.",
		"uz": "Matnda saqlab boʻlmaydigan belgilar bor. Iltimos, uni qayta yozing.",
	},
	// max, length
	MsgTooLong: {
		"en": "Please shorten your answer to %d characters at most (it has %d).",
		"fr": "Veuillez raccourcir votre réponse à %d caractères au maximum (elle en compte %d).",
		"es": "Por favor, acorte su respuesta a un máximo de %d caracteres (tiene %d).",
		"ru": "Пожалуйста, сократите ответ до %d символов (сейчас %d).",
		"zh": "请将回答缩短至最多 %d 个字符（当前为 %d 个）。",
		"ar": "يرجى اختصار إجابتك إلى %d حرفًا على الأكثر (عدد أحرفها الآن %d).",
		"uz": "Iltimos, javobingizni koʻpi bilan %d belgigacha qisqartiring (hozir %d).",
	},
	MsgUnknownQuestion: {
		"en": "This form has no such question.",
		"fr": "Ce formulaire ne contient pas cette question.",
		"es": "Este formulario no contiene esa pregunta.",
		"ru": "В этой анкете нет такого вопроса.",
		"zh": "此表单中没有该问题。",
		"ar": "لا يحتوي هذا النموذج على هذا السؤال.",
		"uz": "Bu shaklda bunday savol yoʻq.",
	},
	MsgWrongType: {
		"en": "This answer is not of the expected kind.",
		"fr": "Cette réponse n’est pas du type attendu.",
		"es": "Esta respuesta no es del tipo esperado.",
		"ru": "Этот ответ имеет неверный формат.",
		"zh": "此回答的格式不正确。",
		"ar": "هذه الإجابة ليست من النوع المتوقع.",
		"uz": "Bu javob kutilgan turda emas.",
	},
	MsgSubmissionID: {
		"en": "This form is out of date. Please reload the page and send it again.",
		"fr": "Ce formulaire n’est plus à jour. Veuillez recharger la page et l’envoyer à nouveau.",
		"es": "Este formulario está desactualizado. Por favor, recargue la página y envíelo de nuevo.",
		"ru": "Эта форма устарела. Пожалуйста, обновите страницу и отправьте её снова.",
		"zh": "此表单已过期，请刷新页面后重新提交。",
		"ar": "هذا النموذج قديم. يرجى إعادة تحميل الصفحة وإرساله مرة أخرى.",
		"uz": "Bu shakl eskirgan. Iltimos, sahifani yangilang va qayta yuboring.",
	},
	MsgSubmissionTaken: {
		"en": "This form was already used for another workshop. Please reload the page and send it again.",
		"fr": "Ce formulaire a déjà servi pour un autre atelier. Veuillez recharger la page et l’envoyer à nouveau.",
		"es": "Este formulario ya se usó para otro taller. Por favor, recargue la página y envíelo de nuevo.",
		"ru": "Эта форма уже использована для другого семинара. Пожалуйста, обновите страницу и отправьте её снова.",
		"zh": "此表单已用于另一个研讨会，请刷新页面后重新提交。",
		"ar": "استُخدم هذا النموذج بالفعل لورشة عمل أخرى. يرجى إعادة تحميل الصفحة وإرساله مرة أخرى.",
		"uz": "Bu shakl boshqa seminar uchun ishlatilgan. Iltimos, sahifani yangilang va qayta yuboring.",
	},
	MsgLanguage: {
		"en": "This language is not offered. Choose one of: en, fr, es, ru, zh, ar, uz.",
		"fr": "Cette langue n’est pas proposée. Choisissez parmi : en, fr, es, ru, zh, ar, uz.",
		"es": "Este idioma no está disponible. Elija uno de: en, fr, es, ru, zh, ar, uz.",
		"ru": "Этот язык не поддерживается. Выберите один из: en, fr, es, ru, zh, ar, uz.",
		"zh": "不支持该语言。请选择：en, fr, es, ru, zh, ar, uz。",
		"ar": "هذه اللغة غير متاحة. اختر إحدى: en, fr, es, ru, zh, ar, uz.",
		"uz": "Bu til mavjud emas. Quyidagilardan birini tanlang: en, fr, es, ru, zh, ar, uz.",
	},
	MsgClosed: {
		"en": "This form is closed; your answers were not saved.",
		"fr": "Ce formulaire est fermé ; vos réponses n’ont pas été enregistrées.",
		"es": "Este formulario está cerrado; sus respuestas no se guardaron.",
		"ru": "Эта форма закрыта; ваши ответы не сохранены.",
		"zh": "此表单已关闭，您的回答未被保存。",
		"ar": "هذا النموذج مغلق؛ لم تُحفظ إجاباتك.",
		"uz": "Bu shakl yopilgan; javoblaringiz saqlanmadi.",
	},
	MsgNotFound: {
		"en": "There is no workshop at this address.",
		"fr": "Aucun atelier ne correspond à cette adresse.",
		"es": "No hay ningún taller en esta dirección.",
		"ru": "По этому адресу нет семинара.",
		"zh": "此地址没有对应的研讨会。",
		"ar": "لا توجد ورشة عمل على هذا العنوان.",
		"uz": "Bu manzilda seminar yoʻq.",
	},
	MsgUnavailable: {
		"en": "Not saved: the service cannot save right now. Please try again in a moment.",
		"fr": "Non enregistré : le service ne peut pas enregistrer pour le moment. Veuillez réessayer dans un instant.",
		"es": "No guardado: el servicio no puede guardar en este momento. Por favor, inténtelo de nuevo en un momento.",
		"ru": "Не сохранено: сервис сейчас не может сохранить данные. Пожалуйста, повторите попытку чуть позже.",
		"zh": "未保存：服务暂时无法保存，请稍后重试。",
		"ar": "لم يُحفظ: لا تستطيع الخدمة الحفظ الآن. يرجى المحاولة مرة أخرى بعد لحظات.",
		"uz": "Saqlanmadi: xizmat hozir saqlay olmayapti. Iltimos, birozdan soʻng qayta urinib koʻring.",
	},
	MsgBody: {
		"en": "The request could not be read. Send a JSON object with submission_id, lang and answers.",
		"fr": "La requête n’a pas pu être lue. Envoyez un objet JSON avec submission_id, lang et answers.",
		"es": "No se pudo leer la solicitud. Envíe un objeto JSON con submission_id, lang y answers.",
		"ru": "Не удалось прочитать запрос. Отправьте JSON-объект с полями submission_id, lang и answers.",
		"zh": "无法读取请求。请发送包含 submission_id、lang 和 answers 的 JSON 对象。",
		"ar": "تعذّرت قراءة الطلب. أرسل كائن JSON يحتوي على submission_id وlang وanswers.",
		"uz": "Soʻrovni oʻqib boʻlmadi. submission_id, lang va answers maydonlari bilan JSON obyekt yuboring.",
	},
	MsgTooManyChanges: {
		"en": "These answers were changed many times in a short while, so this change was not saved. Please wait a few minutes and send it again.",
		"fr": "Ces réponses ont été modifiées de nombreuses fois en peu de temps ; cette modification n’a donc pas été enregistrée. Veuillez patienter quelques minutes puis l’envoyer à nouveau.",
		"es": "Estas respuestas se han modificado muchas veces en poco tiempo, por lo que este cambio no se ha guardado. Espere unos minutos y vuelva a enviarlo.",
		"ru": "Эти ответы слишком часто изменялись за короткое время, поэтому изменение не сохранено. Пожалуйста, подождите несколько минут и отправьте снова.",
		"zh": "这些回答在短时间内被修改了多次，因此本次修改未保存。请等几分钟后再提交。",
		"ar": "عُدّلت هذه الإجابات مرات كثيرة في وقت قصير، لذلك لم يُحفظ هذا التعديل. يرجى الانتظار بضع دقائق ثم الإرسال مرة أخرى.",
		"uz": "Bu javoblar qisqa vaqt ichida koʻp marta oʻzgartirildi, shu sababli bu oʻzgarish saqlanmadi. Iltimos, bir necha daqiqa kutib, qayta yuboring.",
	},
}

// Message returns the message with key in lang, falling back to English.
func Message(lang, key string) string {
	t, ok := messages[key]
	if !ok {
		return key
	}
	return strings.ReplaceAll(t.Get(lang), "%%", "%")
}

// Messagef returns the message with key in lang with its numbers filled in.
func Messagef(lang, key string, args ...any) string {
	t, ok := messages[key]
	if !ok {
		return key
	}
	return fmt.Sprintf(t.Get(lang), args...)
}

// MessageKeys lists every message key, for the test that checks translations.
func MessageKeys() []string {
	keys := make([]string, 0, len(messages))
	for k := range messages {
		keys = append(keys, k)
	}
	return keys
}

// MessageText returns the raw translations of a message key.
func MessageText(key string) Text { return messages[key] }
