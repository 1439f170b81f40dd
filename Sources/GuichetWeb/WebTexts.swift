/// Every text the web page shows, in one place, so that another language is one more value
/// of this type. Mustache templates read them as `{{t.name}}`.
public struct WebTexts: Sendable {
    public var lang: String
    public var appName: String
    public var signIn: String
    public var signOut: String
    public var accountName: String
    public var password: String
    public var badCredentials: String
    public var tooManyAttempts: String
    public var sessionExpired: String
    public var queue: String
    public var auditLog: String
    public var pipeline: String
    public var allPipelines: String
    public var state: String
    public var document: String
    public var waiting: String
    public var received: String
    public var filter: String
    public var nothingWaiting: String
    public var previous: String
    public var next: String
    public var source: String
    public var result: String
    public var model: String
    public var tokens: String
    public var timeSpent: String
    public var flags: String
    public var corrections: String
    public var approve: String
    public var approveComment: String
    public var reject: String
    public var rejectReason: String
    public var rerun: String
    public var rerunInstruction: String
    public var editResult: String
    public var saveEdit: String
    public var uploadDOCX: String
    public var upload: String
    public var download: String
    public var history: String
    public var when: String
    public var who: String
    public var action: String
    public var detail: String
    public var notFound: String
    public var forbidden: String
    public var badRequest: String
    public var decided: String
    public var byWhom: String
    public var sideBySide: String
    public var noSideBySide: String
    public var findings: String
    public var quoteInContext: String
    public var csrfRefused: String
    public var error: String
    public var back: String
    public var items: String
    public var page: String
    public var noticeApproved: String
    public var noticeRejected: String
    public var noticeRerun: String
    public var noticeEdited: String
    public var citationVerified: String
    public var citationNotFound: String
    public var myAccount: String
    public var roleAdmin: String
    public var roleApprover: String
    public var changePassword: String
    public var currentPassword: String
    public var newPassword: String
    public var confirmPassword: String
    public var wrongCurrentPassword: String
    public var passwordsDiffer: String
    public var noticePasswordChanged: String
    public var noticeApprovedPending: String
    public var earlierVersions: String
    public var version: String

    /// French, the default.
    public static let french = WebTexts(
        lang: "fr", appName: "Guichet", signIn: "Se connecter", signOut: "Se déconnecter",
        accountName: "Identifiant", password: "Mot de passe",
        badCredentials: "Identifiant ou mot de passe incorrect.",
        tooManyAttempts: "Trop de tentatives de connexion. Réessayez dans quelques minutes.",
        sessionExpired: "Votre session a expiré ; reconnectez-vous.",
        queue: "À valider", auditLog: "Journal d'audit", pipeline: "Traitement", allPipelines: "Tous",
        state: "État", document: "Document", waiting: "Attente", received: "Reçu le", filter: "Filtrer",
        nothingWaiting: "Aucun document dans cette liste.", previous: "Précédents", next: "Suivants",
        source: "Source", result: "Résultat", model: "Modèle", tokens: "Jetons (entrée / sortie)",
        timeSpent: "Temps de traitement", flags: "Points à vérifier", corrections: "Corrections proposées",
        approve: "Approuver", approveComment: "Commentaire (facultatif)", reject: "Refuser",
        rejectReason: "Raison du refus (obligatoire)", rerun: "Relancer avec une consigne",
        rerunInstruction: "Consigne pour le modèle (par exemple : garder le terme « délibération »)",
        editResult: "Corriger le résultat", saveEdit: "Enregistrer la correction",
        uploadDOCX: "Remplacer le résultat par un fichier DOCX corrigé", upload: "Envoyer",
        download: "Télécharger", history: "Historique", when: "Quand", who: "Qui", action: "Action",
        detail: "Détail", notFound: "Document introuvable.", forbidden: "Accès refusé.",
        badRequest: "Requête invalide.", decided: "Décision", byWhom: "par",
        sideBySide: "Source et résultat, passage par passage",
        noSideBySide: "Pas de vue passage par passage pour ce document.",
        findings: "Points relevés", quoteInContext: "Citation dans son contexte",
        csrfRefused: "Le formulaire a expiré ; rechargez la page et recommencez.", error: "Erreur",
        back: "Retour", items: "document(s)", page: "Page",
        noticeApproved: "Résultat approuvé et publié.", noticeRejected: "Résultat refusé.",
        noticeRerun: "Document relancé avec votre consigne.", noticeEdited: "Correction enregistrée.",
        citationVerified: "✓ vérifiée", citationNotFound: "✗ citation introuvable",
        myAccount: "Mon compte", roleAdmin: "administrateur", roleApprover: "valideur",
        changePassword: "Changer mon mot de passe", currentPassword: "Mot de passe actuel",
        newPassword: "Nouveau mot de passe (10 caractères au moins)", confirmPassword: "Nouveau mot de passe, à nouveau",
        wrongCurrentPassword: "Le mot de passe actuel est incorrect.",
        passwordsDiffer: "Les deux saisies du nouveau mot de passe diffèrent.",
        noticePasswordChanged: "Mot de passe changé. Vos autres sessions sont fermées.",
        noticeApprovedPending: "Résultat approuvé. Le dossier de sortie est plein ou inaccessible : il y sera déposé automatiquement dès que possible.",
        earlierVersions: "Résultats précédents (renvoyés pour un nouveau traitement)", version: "version")

    /// The confirmation shown after a decision, from a fixed list: a request parameter picks
    /// one of these texts and never becomes text itself.
    public func notice(_ key: String) -> String? {
        switch key {
        case "approved": return noticeApproved
        case "rejected": return noticeRejected
        case "rerun": return noticeRerun
        case "edited": return noticeEdited
        case "password": return noticePasswordChanged
        case "approvedPending": return noticeApprovedPending
        default: return nil
        }
    }

    /// How a job state reads on the page.
    public func stateLabel(_ raw: String) -> String {
        switch raw {
        case "queued": return "En attente de traitement"
        case "processing": return "En cours de traitement"
        case "awaiting_review": return "À valider"
        case "approved": return "Approuvé"
        case "rejected": return "Refusé"
        case "failed": return "Échec"
        default: return raw
        }
    }

    /// How an audit action reads on the page.
    public func actionLabel(_ raw: String) -> String {
        switch raw {
        case "received": return "reçu"
        case "processing_started": return "traitement commencé"
        case "retry_scheduled": return "nouvel essai prévu"
        case "processed": return "traité"
        case "failed": return "échec"
        case "approved": return "approuvé"
        case "rejected": return "refusé"
        case "published": return "publié"
        case "requeued": return "relancé"
        case "edited": return "corrigé"
        default: return raw
        }
    }
}
